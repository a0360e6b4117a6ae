namespace PyPyLeads.Tour;

/// <summary>One of the two companies that take PyPy contracts: Open End or merlinux.</summary>
public sealed class Consultancy
{
    public const int OpenEndId = 1;
    public const int MerlinuxId = 2;

    public int Id { get; set; }
    public required string Name { get; set; }
    public string? WebDomain { get; set; }
}
