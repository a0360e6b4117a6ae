namespace PyPyLeads.Time;

/// <summary>The <c>Clock</c> settings.</summary>
public sealed class ClockOptions
{
    public const string Section = "Clock";

    /// <summary>When set, the app runs on a <see cref="TourClock"/> starting at this instant (e.g. 2011-03-02T09:00:00-08:00).</summary>
    public DateTimeOffset? StartsAt { get; set; }
}

/// <summary>
/// The app's clock when <c>Clock:StartsAt</c> is set: it reads that instant when the process starts and
/// runs forward in real time, so the 2011 story can be lived through as if it were now.
/// </summary>
public sealed class TourClock : TimeProvider
{
    private readonly DateTimeOffset _startsAt;
    private readonly long _startedTimestamp;

    public TourClock(DateTimeOffset startsAt)
    {
        _startsAt = startsAt.ToUniversalTime();
        _startedTimestamp = System.GetTimestamp();
    }

    public override DateTimeOffset GetUtcNow() => _startsAt + System.GetElapsedTime(_startedTimestamp);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
