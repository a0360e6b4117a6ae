using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.Tour;
using PyPyLeads.Users;

namespace PyPyLeads.Data;

internal sealed class ConsultancyConfiguration : IEntityTypeConfiguration<Consultancy>
{
    public void Configure(EntityTypeBuilder<Consultancy> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.WebDomain).HasMaxLength(253);
        b.HasIndex(x => x.Name).IsUnique();
        b.HasData(ReferenceData.Consultancies);
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Email).HasMaxLength(254);
        b.HasOne(x => x.Consultancy).WithMany().HasForeignKey(x => x.ConsultancyId).OnDelete(DeleteBehavior.Restrict);
        b.HasData(ReferenceData.TeamMembers.Select(m => new
        {
            m.Id, m.Name, m.Email, m.ConsultancyId, m.Version,
        }));
    }
}

internal sealed class TourStopConfiguration : IEntityTypeConfiguration<TourStop>
{
    public void Configure(EntityTypeBuilder<TourStop> b)
    {
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Venue).HasMaxLength(200);
        b.Property(x => x.Address).HasMaxLength(300);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.Property(x => x.Url).HasMaxLength(500);
        b.Property(x => x.Details).HasMaxLength(2000);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => x.Sequence);
        b.HasData(ReferenceData.TourStops);
    }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(200);
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.HasOne<Consultancy>().WithMany().HasForeignKey(x => x.ConsultancyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(x => x.TeamMemberId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.SetUpByUserId).HasMaxLength(450);
    }
}

internal sealed class SetupCodeConfiguration : IEntityTypeConfiguration<SetupCode>
{
    public void Configure(EntityTypeBuilder<SetupCode> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Hash).HasMaxLength(64);
    }
}

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Microsoft.AspNetCore.Identity.IdentityRole>
{
    // Fixed ids and stamps keep the seeded roles identical in every migration and on every instance.
    public void Configure(EntityTypeBuilder<Microsoft.AspNetCore.Identity.IdentityRole> b) => b.HasData(
        new Microsoft.AspNetCore.Identity.IdentityRole
        {
            Id = "6f1c2a43-0000-4000-8000-000000000001", Name = Roles.Admin, NormalizedName = "ADMIN",
            ConcurrencyStamp = "6f1c2a43-0000-4000-8000-0000000000a1",
        },
        new Microsoft.AspNetCore.Identity.IdentityRole
        {
            Id = "6f1c2a43-0000-4000-8000-000000000002", Name = Roles.Member, NormalizedName = "MEMBER",
            ConcurrencyStamp = "6f1c2a43-0000-4000-8000-0000000000a2",
        });
}

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<PyPyLeads.Companies.Company>
{
    public void Configure(EntityTypeBuilder<PyPyLeads.Companies.Company> b)
    {
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.NameKey).HasMaxLength(200);
        b.Property(x => x.WebDomain).HasMaxLength(253);
        b.Property(x => x.DomainKey).HasMaxLength(253);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.Country).HasMaxLength(100);
        b.Property(x => x.Industry).HasMaxLength(100);
        b.Property(x => x.Notes).HasMaxLength(4000);
        b.Property(x => x.CreatedByUserId).HasMaxLength(450);
        b.Property(x => x.DeletedByUserId).HasMaxLength(450);
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Consultancy>().WithMany().HasForeignKey(x => x.ConsultancyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TourStop>().WithMany().HasForeignKey(x => x.SourceTourStopId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PyPyLeads.Companies.Company>().WithMany().HasForeignKey(x => x.MergedIntoCompanyId).OnDelete(DeleteBehavior.Restrict);
        // Uniqueness of the normalised keys among live companies, in the database, so that two simultaneous
        // submissions cannot both create "Yelp". The filter is plain SQL that SQLite and SQL Server both read.
        b.HasIndex(x => x.NameKey).IsUnique().HasFilter("DeletedAtUtc IS NULL");
        b.HasIndex(x => x.DomainKey).IsUnique().HasFilter("DeletedAtUtc IS NULL AND DomainKey IS NOT NULL");
        // The list sorted by date added (live companies), and the admins' list of deleted ones. Sorting by name
        // reads the unique NameKey index above (folded, so "apple" and "Zebra" sort as people expect). Both are
        // partial, and no index leads with DeletedAtUtc: without statistics SQLite takes "DeletedAtUtc IS NULL"
        // for a selective equality and would read every live company through such an index, then sort them.
        b.HasIndex(x => new { x.CreatedAtUtc, x.Id }).HasFilter("DeletedAtUtc IS NULL");
        b.HasIndex(x => x.DeletedAtUtc).HasFilter("DeletedAtUtc IS NOT NULL");
        b.HasIndex(x => x.ConsultancyId);
    }
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<PyPyLeads.Companies.Person>
{
    public void Configure(EntityTypeBuilder<PyPyLeads.Companies.Person> b)
    {
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Role).HasMaxLength(100);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.EmailKey).HasMaxLength(254);
        b.Property(x => x.Phone).HasMaxLength(50);
        b.HasOne(x => x.Company).WithMany(c => c.People).HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PyPyLeads.Companies.Person>().WithMany().HasForeignKey(x => x.MergedIntoPersonId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.CompanyId, x.EmailKey }).IsUnique().HasFilter("DeletedAtUtc IS NULL AND EmailKey IS NOT NULL");
        // A company's people (the filtered index above cannot serve "WHERE CompanyId = ?" on SQLite).
        b.HasIndex(x => new { x.CompanyId, x.Name });
        // A company's live people, counted and listed by name from the index alone (the list's people column, the
        // company page): with 2,000 people at one company the table reads took milliseconds per page.
        b.HasIndex(x => new { x.CompanyId, x.Name, x.Id }).HasFilter("DeletedAtUtc IS NULL");
        b.HasIndex(x => x.Name);
        b.HasIndex(x => x.EmailKey);
    }
}

internal sealed class TimelineEntryConfiguration : IEntityTypeConfiguration<PyPyLeads.Timeline.TimelineEntry>
{
    public void Configure(EntityTypeBuilder<PyPyLeads.Timeline.TimelineEntry> b)
    {
        b.Property(x => x.Kind).HasMaxLength(50);
        b.Property(x => x.Summary).HasMaxLength(500);
        b.Property(x => x.Details).HasMaxLength(8000);
        b.Property(x => x.ActorUserId).HasMaxLength(450);
        b.Property(x => x.ActorName).HasMaxLength(200);
        b.Property(x => x.SubjectType).HasMaxLength(50);
        b.HasOne<PyPyLeads.Companies.Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        // The company page reads a company's newest entries first. SubjectType rides along so that "has this company
        // had any activity since..." (a user's own stale deals on Today) is answered from the index alone.
        b.HasIndex(x => new { x.CompanyId, x.AtUtc, x.Id, x.SubjectType });
        // "Stale deals" (dashboard, deal list) asks which companies had any activity since a cutoff: recent rows only,
        // answered from this index without reading the entries.
        b.HasIndex(x => new { x.AtUtc, x.SubjectType, x.CompanyId });
    }
}
