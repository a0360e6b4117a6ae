using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PyPyLeads.Data;

/// <summary>
/// One row per family of data that figures are derived from and cached: its <see cref="Version"/> changes in the same
/// transaction as the data (see <see cref="LeadsDbContext"/>.SaveChanges), so every app instance can tell with one
/// indexed read whether what it derived earlier still holds.
/// </summary>
public sealed class ChangeStamp
{
    /// <summary>Deals, timeline entries, companies and consultancies: what the dashboard's figures come from.</summary>
    public const string Pipeline = "pipeline";

    public required string Name { get; set; }

    /// <summary>Not a counter: a new random value at every change (no read needed to write it).</summary>
    public long Version { get; set; }

    /// <summary>For changes made without SaveChanges (ExecuteUpdate/ExecuteDelete): call it in the same transaction.</summary>
    public static Task TouchAsync(LeadsDbContext db, string name, CancellationToken cancellationToken) =>
        db.ChangeStamps.Where(s => s.Name == name).ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, Random.Shared.NextInt64()), cancellationToken);

    /// <summary>Read before every cached figure, so compiled once (EF would otherwise translate it again each time).</summary>
    public static Task<long> ReadAsync(LeadsDbContext db, string name, CancellationToken cancellationToken) =>
        ReadQuery(db, name, cancellationToken);

    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<long>> ReadQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, string name, CancellationToken _) => db.ChangeStamps.AsNoTracking().Where(s => s.Name == name).Select(s => s.Version).FirstOrDefault());
}

public sealed class ChangeStampConfiguration : IEntityTypeConfiguration<ChangeStamp>
{
    public void Configure(EntityTypeBuilder<ChangeStamp> builder)
    {
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(50);
        builder.HasData(new ChangeStamp { Name = ChangeStamp.Pipeline, Version = 0 });
    }
}
