using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.Users;

namespace PyPyLeads.FollowUps;

internal sealed class FollowUpConfiguration : IEntityTypeConfiguration<FollowUp>
{
    public void Configure(EntityTypeBuilder<FollowUp> b)
    {
        b.Property(x => x.SubjectType).HasMaxLength(30);
        b.Property(x => x.OwnerUserId).HasMaxLength(450);
        b.Property(x => x.CreatedByUserId).HasMaxLength(450);
        b.Property(x => x.ClosedByUserId).HasMaxLength(450);
        b.Property(x => x.Note).HasMaxLength(FollowUpLimits.Note);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.Property(x => x.HangfireJobId).HasMaxLength(100);
        b.HasOne(x => x.Company).WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.OwnerUserId).OnDelete(DeleteBehavior.Restrict);
        // The deliverer's and reconciler's scans: what is due (or stuck) by state and time.
        b.HasIndex(x => new { x.State, x.NextAttemptAtUtc });
        // "My follow-ups" and the digest: an owner's open follow-ups by due time.
        b.HasIndex(x => new { x.OwnerUserId, x.State, x.DueAtUtc });
        // The company panel and the escalation rule.
        b.HasIndex(x => new { x.CompanyId, x.State, x.DueAtUtc });
        b.HasIndex(x => new { x.SubjectType, x.SubjectId });
        // The reconciler's minutely search for follow-ups due after the Eurostars end not yet flagged: a range, not a
        // scan of every follow-up (with 20,000 it stalled the app for 10-170 ms each minute).
        b.HasIndex(x => new { x.DueAtUtc, x.FlaggedAfterEndUtc });
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.Title).HasMaxLength(300);
        b.Property(x => x.Body).HasMaxLength(1000);
        b.Property(x => x.Url).HasMaxLength(300);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<FollowUp>().WithMany().HasForeignKey(x => x.FollowUpId).OnDelete(DeleteBehavior.Restrict);
        // The bell counts a user's unread notifications on every page.
        b.HasIndex(x => new { x.UserId, x.ReadAtUtc });
        b.HasIndex(x => new { x.UserId, x.CreatedAtUtc });
    }
}

internal sealed class DigestRecordConfiguration : IEntityTypeConfiguration<DigestRecord>
{
    public void Configure(EntityTypeBuilder<DigestRecord> b)
    {
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        // At most one digest per owner per local day, even with several senders racing.
        b.HasIndex(x => new { x.UserId, x.LocalDate }).IsUnique();
        b.HasIndex(x => new { x.State, x.NextAttemptAtUtc });
    }
}

public static class FollowUpLimits
{
    public const int Note = 2000;
}
