using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PyPyLeads.Webhooks;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.Property(x => x.Url).HasMaxLength(WebhookUrls.MaxLength);
        b.Property(x => x.Description).HasMaxLength(200);
        b.Property(x => x.EventTypes).HasMaxLength(500);
        b.Property(x => x.ProtectedSecret).HasMaxLength(1000);
        b.Property(x => x.DisabledReason).HasMaxLength(500);
        b.Ignore(x => x.Subscribed);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.Property(x => x.EventId).HasMaxLength(40);
        b.Property(x => x.EventType).HasMaxLength(50);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EventId, x.EndpointId }).IsUnique();
        // The sweep's scan: pending deliveries by their next try.
        b.HasIndex(x => new { x.State, x.NextAttemptAtUtc });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.Property(x => x.EventType).HasMaxLength(50);
        b.Property(x => x.Error).HasMaxLength(500);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        // The endpoint page's log: its last attempts.
        b.HasIndex(x => new { x.EndpointId, x.AtUtc });
    }
}
