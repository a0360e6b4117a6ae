using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.Tour;
using PyPyLeads.Users;

namespace PyPyLeads.Companies;

internal sealed class EncounterConfiguration : IEntityTypeConfiguration<Encounter>
{
    public void Configure(EntityTypeBuilder<Encounter> b)
    {
        b.Property(x => x.Note).HasMaxLength(4000);
        b.Property(x => x.CreatedByUserId).HasMaxLength(450);
        b.HasOne<Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<TourStop>().WithMany().HasForeignKey(x => x.TourStopId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.MetBy).WithOne().HasForeignKey(x => x.EncounterId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.CompanyId, x.MetAtUtc });
        // The list's "met at this stop" filter.
        b.HasIndex(x => new { x.TourStopId, x.CompanyId });
        b.HasIndex(x => x.PersonId);
    }
}

internal sealed class EncounterAttendeeConfiguration : IEntityTypeConfiguration<EncounterAttendee>
{
    public void Configure(EntityTypeBuilder<EncounterAttendee> b)
    {
        b.HasKey(x => new { x.EncounterId, x.UserId });
        b.Property(x => x.UserId).HasMaxLength(450);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.UserId);
    }
}

internal sealed class CompanySearchTermConfiguration : IEntityTypeConfiguration<CompanySearchTerm>
{
    public const int MaxTermLength = 100;

    public void Configure(EntityTypeBuilder<CompanySearchTerm> b)
    {
        // Term first: search reads a range of terms ("fij" up to "fik") and the companies they point at.
        b.HasKey(x => new { x.Term, x.CompanyId });
        b.Property(x => x.Term).HasMaxLength(MaxTermLength);
        b.HasOne<Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.CompanyId);
    }
}

internal sealed class CsvImportConfiguration : IEntityTypeConfiguration<CsvImport>
{
    public void Configure(EntityTypeBuilder<CsvImport> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.FileName).HasMaxLength(260);
        b.Property(x => x.UploadedByUserId).HasMaxLength(450);
        b.Property(x => x.UploadedByName).HasMaxLength(200);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Error).HasMaxLength(2000);
        b.HasIndex(x => x.UploadedAtUtc);
    }
}
