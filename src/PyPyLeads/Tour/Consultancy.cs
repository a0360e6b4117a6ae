namespace PyPyLeads.Tour;

/// <summary>One of the two companies that take PyPy contracts: Open End or merlinux.</summary>
public sealed class Consultancy
{
    public const int OpenEndId = 1;
    public const int MerlinuxId = 2;

    /// <summary>The consultancy's name as people say it, or "not assigned".</summary>
    public static string Describe(int? id) => id switch
    {
        OpenEndId => "Open End",
        MerlinuxId => "merlinux",
        null => "not assigned",
        _ => "consultancy " + id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public int Id { get; set; }
    public required string Name { get; set; }
    public string? WebDomain { get; set; }
}
