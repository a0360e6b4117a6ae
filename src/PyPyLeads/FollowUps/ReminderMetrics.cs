using System.Diagnostics.Metrics;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The reminders' measurements, as .NET metrics on the meter <see cref="MeterName"/> (read them with dotnet-counters
/// or an OpenTelemetry exporter). One per app (a singleton).
/// </summary>
public sealed class ReminderMetrics
{
    public const string MeterName = "PyPyLeads.Reminders";

    /// <summary>The instrument's name in <see cref="MeterName"/>.</summary>
    public const string UnrecordedWindow = "pypyleads.reminders.unrecorded_window";

    private readonly Histogram<double> _unrecorded;

    public ReminderMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _unrecorded = meter.CreateHistogram<double>(UnrecordedWindow, unit: "ms",
            description: "From the mail server's acceptance of a reminder to the commit of its sent mark: a crash in this window sends the reminder twice.");
    }

    internal void Unrecorded(TimeSpan window) => _unrecorded.Record(window.TotalMilliseconds);
}
