using PyPyLeads.Data;

namespace PyPyLeads.Tour;

/// <summary>A member of the PyPy team named in the tour announcement.</summary>
public sealed class TeamMember : IVersioned
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public int? ConsultancyId { get; set; }
    public Consultancy? Consultancy { get; set; }
    public long Version { get; set; }
}
