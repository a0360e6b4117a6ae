using System.Globalization;

namespace PyPyLeads.Webhooks;

/// <summary>The <c>Webhooks</c> settings.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Seconds to wait before each retry after a failed try, comma-separated; one more try than delays.</summary>
    public string RetryAfterSeconds { get; set; } = "30,120,600,3600,21600";

    /// <summary>The longest one POST may take before it counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Failed tries in a row after which the endpoint is disabled until an admin enables it again.</summary>
    public int DisableAfterFailures { get; set; } = 10;

    /// <summary>
    /// Allows http:// to 127.0.0.1/localhost and hosts on private addresses. Off in production (https only, and no
    /// requests into the app's own network); the tests turn it on for their receiver on loopback.
    /// </summary>
    public bool AllowInsecureLoopback { get; set; }

    /// <summary>Delivered and failed deliveries (with their attempts) are deleted this many days after the event.</summary>
    public int KeepDays { get; set; } = 30;

    public IReadOnlyList<TimeSpan> RetryDelays =>
        RetryAfterSeconds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture)))
            .ToList();

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>How long a claim lasts: a try takes at most the timeout, plus room to record it.</summary>
    public TimeSpan ClaimFor => Timeout * 2 + TimeSpan.FromSeconds(30);

    public IEnumerable<string> Problems()
    {
        IReadOnlyList<TimeSpan>? delays = null;
        try
        {
            delays = RetryDelays;
        }
        catch (FormatException)
        {
        }
        if (delays is null || delays.Any(d => d <= TimeSpan.Zero))
        {
            yield return $"Webhooks:RetryAfterSeconds must be positive seconds, comma-separated (it is '{RetryAfterSeconds}').";
        }
        if (TimeoutSeconds is < 1 or > 300)
        {
            yield return $"Webhooks:TimeoutSeconds must be 1 to 300 (it is {TimeoutSeconds}).";
        }
        if (KeepDays < 1)
        {
            yield return $"Webhooks:KeepDays must be at least 1 (it is {KeepDays}).";
        }
        if (DisableAfterFailures < 1)
        {
            yield return $"Webhooks:DisableAfterFailures must be at least 1 (it is {DisableAfterFailures}).";
        }
    }
}
