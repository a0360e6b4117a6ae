using PyPyLeads.Data;

namespace PyPyLeads.Tour;

public enum TourStopKind
{
    Talk = 0,
    Sprint = 1,
    Summit = 2,
}

/// <summary>
/// A stop of the 2011 tour. Days are the local calendar days of the stop; an instant exists only where the
/// announcement gives a time of day, so a stop without one has <see cref="StartsAtUtc"/> null.
/// </summary>
public sealed class TourStop : IVersioned
{
    public int Id { get; set; }
    /// <summary>Order in the announcement; stops without dates still sort sensibly.</summary>
    public int Sequence { get; set; }
    public required string Name { get; set; }
    public TourStopKind Kind { get; set; }
    public required string Venue { get; set; }
    public string? Address { get; set; }
    public required string City { get; set; }
    /// <summary>IANA zone id, e.g. America/Los_Angeles.</summary>
    public required string TimeZoneId { get; set; }
    public DateOnly? FirstDay { get; set; }
    public DateOnly? LastDay { get; set; }
    public DateTime? StartsAtUtc { get; set; }
    public bool OpenToPublic { get; set; }
    public string? Url { get; set; }
    /// <summary>What the announcement says about the stop, in its words.</summary>
    public string? Details { get; set; }
    public long Version { get; set; }
}
