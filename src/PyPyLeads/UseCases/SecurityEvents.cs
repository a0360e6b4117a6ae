using Microsoft.Extensions.Logging;

namespace PyPyLeads.UseCases;

/// <summary>What the security log records; the number is the log line's event id, the name its event name.</summary>
public enum SecurityEvent
{
    SignedIn = 1,
    SignInFailed = 2,
    SignedOut = 3,
    /// <summary>A session ended for any reason but signing out (the detail says why).</summary>
    SessionEnded = 4,
    /// <summary>A cookie of a session that has ended was presented (a copied or stale cookie) and refused.</summary>
    EndedSessionRefused = 5,
    PasswordChanged = 6,
    UserDisabled = 7,
    UserEnabled = 8,
}

/// <summary>
/// The one way to write a security event: to the <see cref="SecurityLog.Category"/> log, with the user it concerns and
/// the client address it came from, so every line reads alike and can be filtered by event, user or address.
/// </summary>
public sealed class SecurityEvents(ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger(SecurityLog.Category);

    /// <param name="user">The user the event is about (an e-mail or display name; for a failure, what was typed).</param>
    /// <param name="clientAddress">Where the request came from; null away from a request (a job).</param>
    /// <param name="detail">Why, or by whom: "idle", "by Laura Creighton", "wrong password".</param>
    public void Write(SecurityEvent what, string? user, string? clientAddress, string? detail = null) =>
        _log.Log(what is SecurityEvent.SignInFailed or SecurityEvent.EndedSessionRefused ? LogLevel.Warning : LogLevel.Information,
            new EventId((int)what, what.ToString()),
            "Security event {SecurityEvent}: {User} from {ClientAddress}{Detail}",
            what, user ?? "(unknown)", clientAddress ?? "(no request)", detail is null ? "" : " (" + detail + ")");
}
