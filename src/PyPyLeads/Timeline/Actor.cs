namespace PyPyLeads.Timeline;

/// <summary>Who did something, as the timeline records it: the user's id and their name at the time.</summary>
public sealed record Actor(string? UserId, string? Name)
{
    public static Actor System { get; } = new(null, "PyPyLeads");
}
