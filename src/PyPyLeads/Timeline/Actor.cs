namespace PyPyLeads.Timeline;

/// <summary>Who did something, as the timeline records it: the user's id and their display name at the time.</summary>
public sealed record Actor(string? UserId, string Name)
{
    /// <summary>The app itself (an import, a start-up check).</summary>
    public static Actor System { get; } = new(null, "PyPyLeads");

    /// <summary>The reminder machinery: deliveries, retries, deadline flags.</summary>
    public static Actor Reminders { get; } = new(null, "PyPyLeads reminders");
}
