using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PyPyLeads.Companies;

/// <summary>
/// One export of the client list (the companies CSV or the full export): who, when, what (with the filters used) and
/// how many rows left the app. Written when the file is finished, or cut short (<see cref="Complete"/> false), and kept;
/// admins read them on the exports page.
/// </summary>
public sealed class ExportRecord
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    /// <summary>The user's name then, kept if they are renamed or removed.</summary>
    public required string UserName { get; set; }
    public DateTime AtUtc { get; set; }
    /// <summary>What was exported: <see cref="ExportKinds"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>The filters the export applied, as the list's query string; null for everything.</summary>
    public string? Filter { get; set; }
    public long Rows { get; set; }
    /// <summary>False when the download stopped before the end (the rows are those written until then).</summary>
    public bool Complete { get; set; }
    public string? ClientAddress { get; set; }
}

public static class ExportKinds
{
    public const string CompaniesCsv = "Companies CSV";
    public const string Full = "Full export";
}

internal sealed class ExportRecordConfiguration : IEntityTypeConfiguration<ExportRecord>
{
    public void Configure(EntityTypeBuilder<ExportRecord> b)
    {
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.UserName).HasMaxLength(200);
        b.Property(x => x.Kind).HasMaxLength(50);
        b.Property(x => x.Filter).HasMaxLength(2000);
        b.Property(x => x.ClientAddress).HasMaxLength(64);
        b.HasIndex(x => x.AtUtc);
    }
}
