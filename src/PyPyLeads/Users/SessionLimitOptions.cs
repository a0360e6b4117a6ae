namespace PyPyLeads.Users;

/// <summary>The <c>Sessions</c> settings: how long a signed-in browser stays signed in.</summary>
public sealed class SessionLimitOptions
{
    public const string Section = "Sessions";

    /// <summary>A session with no request for this long ends: a working day, so a phone in a pocket between talks stays signed in.</summary>
    public int IdleMinutes { get; set; } = 480;

    /// <summary>A session ends this long after sign-in however busy it is: a conference week.</summary>
    public int AbsoluteHours { get; set; } = 168;

    public TimeSpan Idle => TimeSpan.FromMinutes(IdleMinutes);

    public TimeSpan Absolute => TimeSpan.FromHours(AbsoluteHours);

    public IEnumerable<string> Problems()
    {
        if (IdleMinutes is < 5 or > 60 * 24 * 14)
        {
            yield return $"Sessions:IdleMinutes must be between 5 and 20160 (14 days) (it is {IdleMinutes}).";
        }
        if (AbsoluteHours is < 1 or > 24 * 90)
        {
            yield return $"Sessions:AbsoluteHours must be between 1 and 2160 (90 days) (it is {AbsoluteHours}).";
        }
        else if (IdleMinutes > AbsoluteHours * 60)
        {
            yield return $"Sessions:IdleMinutes ({IdleMinutes}) must not be longer than Sessions:AbsoluteHours ({AbsoluteHours} hours).";
        }
    }
}

/// <summary>
/// The clock sessions are timed by: real time, as the sign-in cookie's own expiry is, whatever the app clock says (the
/// tour clock lives in 2011 and starts afresh in each process, so two instances would disagree on a session's age).
/// Tests give it a clock they move.
/// </summary>
public sealed class SessionClock(TimeProvider time)
{
    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}
