using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.Tour;

namespace PyPyLeads.Schedule;

internal sealed class PresentationRequestConfiguration : IEntityTypeConfiguration<PresentationRequest>
{
    public void Configure(EntityTypeBuilder<PresentationRequest> b)
    {
        b.Property(x => x.ContactName).HasMaxLength(200);
        b.Property(x => x.ContactEmail).HasMaxLength(254);
        b.Property(x => x.Address).HasMaxLength(300);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.PreferredDates).HasMaxLength(500);
        b.Property(x => x.OtherTopics).HasMaxLength(2000);
        b.Property(x => x.ConvinceManagement).HasMaxLength(4000);
        b.Property(x => x.Area).HasMaxLength(50);
        b.Property(x => x.Place).HasMaxLength(300);
        b.Property(x => x.OutcomeNotes).HasMaxLength(4000);
        b.Property(x => x.Reason).HasMaxLength(2000);
        b.Property(x => x.CreatedByUserId).HasMaxLength(450);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.HasOne(x => x.Company).WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Presenters).WithOne().HasForeignKey(p => p.PresentationRequestId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.Status, x.CreatedAtUtc });
        b.HasIndex(x => new { x.StartsAtUtc, x.EndsAtUtc });
        b.HasIndex(x => x.CompanyId);
    }
}

internal sealed class PresentationPresenterConfiguration : IEntityTypeConfiguration<PresentationPresenter>
{
    public void Configure(EntityTypeBuilder<PresentationPresenter> b)
    {
        b.HasKey(x => new { x.PresentationRequestId, x.TeamMemberId });
        b.HasOne<TeamMember>().WithMany().HasForeignKey(x => x.TeamMemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MeetingConfiguration : IEntityTypeConfiguration<Meeting>
{
    public void Configure(EntityTypeBuilder<Meeting> b)
    {
        b.Property(x => x.Area).HasMaxLength(50);
        b.Property(x => x.PlaceName).HasMaxLength(200);
        b.Property(x => x.PlaceAddress).HasMaxLength(300);
        b.Property(x => x.Outcome).HasMaxLength(4000);
        b.Property(x => x.CreatedByUserId).HasMaxLength(450);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.HasOne(x => x.Company).WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Team).WithOne().HasForeignKey(t => t.MeetingId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.People).WithOne().HasForeignKey(p => p.MeetingId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.StartsAtUtc, x.EndsAtUtc });
        b.HasIndex(x => x.CompanyId);
    }
}

internal sealed class MeetingTeamMemberConfiguration : IEntityTypeConfiguration<MeetingTeamMember>
{
    public void Configure(EntityTypeBuilder<MeetingTeamMember> b)
    {
        b.HasKey(x => new { x.MeetingId, x.TeamMemberId });
        b.HasOne<TeamMember>().WithMany().HasForeignKey(x => x.TeamMemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MeetingPersonConfiguration : IEntityTypeConfiguration<MeetingPerson>
{
    public void Configure(EntityTypeBuilder<MeetingPerson> b)
    {
        b.HasKey(x => new { x.MeetingId, x.PersonId });
        b.HasOne<Companies.Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TeamStayConfiguration : IEntityTypeConfiguration<TeamStay>
{
    public void Configure(EntityTypeBuilder<TeamStay> b)
    {
        b.Property(x => x.Area).HasMaxLength(50);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(x => x.TeamMemberId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.TeamMemberId, x.FromUtc });
        b.HasData(ScheduleReferenceData.Stays);
    }
}

internal sealed class TourStopAttendeeConfiguration : IEntityTypeConfiguration<TourStopAttendee>
{
    public void Configure(EntityTypeBuilder<TourStopAttendee> b)
    {
        b.HasKey(x => new { x.TourStopId, x.TeamMemberId });
        b.HasOne<TourStop>().WithMany().HasForeignKey(x => x.TourStopId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TeamMember>().WithMany().HasForeignKey(x => x.TeamMemberId).OnDelete(DeleteBehavior.Cascade);
        b.HasData(ScheduleReferenceData.Attendees);
    }
}

internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> b)
    {
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasOne<Users.AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
