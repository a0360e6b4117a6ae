using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.Companies;

namespace PyPyLeads.Intake;

internal sealed class IntakeMessageConfiguration : IEntityTypeConfiguration<IntakeMessage>
{
    public const int MaxKey = 450, MaxAddresses = 4000, MaxReferences = 4000;

    public void Configure(EntityTypeBuilder<IntakeMessage> b)
    {
        b.Property(x => x.MessageKey).HasMaxLength(MaxKey);
        // Imported once: the unique key refuses a second import of the same message by any instance.
        b.HasIndex(x => x.MessageKey).IsUnique();
        b.Property(x => x.MessageId).HasMaxLength(MaxKey);
        b.Property(x => x.InReplyTo).HasMaxLength(MaxKey);
        b.Property(x => x.References).HasMaxLength(MaxReferences);
        b.Property(x => x.Origin).HasMaxLength(50);
        b.Property(x => x.Subject).HasMaxLength(500);
        b.Property(x => x.SenderName).HasMaxLength(200);
        b.Property(x => x.SenderAddress).HasMaxLength(254);
        b.Property(x => x.ForwardedBy).HasMaxLength(254);
        b.Property(x => x.Participants).HasMaxLength(MaxAddresses);
        b.Property(x => x.Signature).HasMaxLength(2000);
        b.Property(x => x.TriageReason).HasMaxLength(2000);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.HasOne<Company>().WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Attachments).WithOne().HasForeignKey(x => x.IntakeMessageId).OnDelete(DeleteBehavior.Cascade);
        // A reply finds the message it answers by its Message-ID; the triage inbox lists by state, oldest first.
        b.HasIndex(x => x.MessageId);
        b.HasIndex(x => new { x.State, x.ReceivedAtUtc });
        b.HasIndex(x => x.CompanyId);
    }
}

internal sealed class IntakeAttachmentConfiguration : IEntityTypeConfiguration<IntakeAttachment>
{
    public void Configure(EntityTypeBuilder<IntakeAttachment> b)
    {
        b.Property(x => x.FileName).HasMaxLength(260);
        b.Property(x => x.ContentType).HasMaxLength(200);
    }
}

internal sealed class IntakeMailboxConfiguration : IEntityTypeConfiguration<IntakeMailbox>
{
    public void Configure(EntityTypeBuilder<IntakeMailbox> b)
    {
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(400);
        b.Property(x => x.LastError).HasMaxLength(2000);
    }
}
