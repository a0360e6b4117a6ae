using System.Globalization;

namespace PyPyLeads.FollowUps;

/// <summary>The <c>FollowUps</c> settings.</summary>
public sealed class FollowUpOptions
{
    public const string Section = "FollowUps";

    /// <summary>The last safe follow-up day is the Eurostars end minus this many days.</summary>
    public int LeadTimeDays { get; set; } = 30;

    /// <summary>Seconds to wait before each retry after a failed e-mail, comma-separated; one more try than delays.</summary>
    public string RetryAfterSeconds { get; set; } = "30,120,600,1800";

    /// <summary>
    /// A claim older than this is taken to belong to a deliverer that died, and is taken over. A claim covers one
    /// reminder, from just before its e-mail to just after it was recorded, so this bounds one message, not a batch.
    /// </summary>
    public int StaleClaimSeconds { get; set; } = 180;

    /// <summary>The longest one e-mail try may take (connect, authenticate, send); well under <see cref="StaleClaimSeconds"/>.</summary>
    public int SendTimeoutSeconds { get; set; } = 60;

    /// <summary>Local time of day (in each owner's zone) at which the daily digest goes out.</summary>
    public string DigestAt { get; set; } = "08:00";

    /// <summary>Reconcile the database with Hangfire once when the app starts (as well as every minute).</summary>
    public bool ReconcileOnStart { get; set; } = true;

    /// <summary>
    /// Seconds between the in-process watchdog's runs of the reconciler and the digest, which go on even when
    /// Hangfire's storage is stuck; 0 turns it off (Hangfire's every-minute jobs still run).
    /// </summary>
    public int WatchdogSeconds { get; set; } = 60;

    public IReadOnlyList<TimeSpan> RetryDelays =>
        RetryAfterSeconds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => TimeSpan.FromSeconds(int.Parse(s, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The first try and one per retry delay.</summary>
    public int MaxAttempts => RetryDelays.Count + 1;

    public TimeSpan StaleClaim => TimeSpan.FromSeconds(StaleClaimSeconds);

    public TimeSpan SendTimeout => TimeSpan.FromSeconds(SendTimeoutSeconds);

    public TimeOnly DigestTime => TimeOnly.Parse(DigestAt, CultureInfo.InvariantCulture);
}

/// <summary>The <c>Mail</c> settings. With no <see cref="Host"/>, mail is written as .eml files into <see cref="PickupDirectory"/>.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>MailKit's SecureSocketOptions: Auto, None, StartTls, StartTlsWhenAvailable or SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "PyPyLeads <pypyleads@localhost>";
    /// <summary>Where the embedded default writes messages; empty means the "mail" folder in the data folder.</summary>
    public string? PickupDirectory { get; set; }

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Host);
}
