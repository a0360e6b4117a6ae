namespace PyPyLeads.Time;

/// <summary>The <c>Eurostars</c> settings: the day the research project that funds the team ends.</summary>
public sealed class EurostarsOptions
{
    public const string Section = "Eurostars";

    public DateOnly EndsOn { get; set; } = new(2011, 9, 30);

    /// <summary>The consultancies' zone (Open End in Sweden, merlinux in Germany: both Central European).</summary>
    public string TimeZone { get; set; } = "Europe/Stockholm";

    public IEnumerable<string> Problems()
    {
        if (!Zones.Exists(TimeZone))
        {
            yield return $"Eurostars:TimeZone '{TimeZone}' is not a time zone id (e.g. Europe/Stockholm).";
        }
    }
}

/// <summary>Answers "how long until the money runs out" by the app clock.</summary>
public sealed class EurostarsCalendar(TimeProvider clock, Microsoft.Extensions.Options.IOptions<EurostarsOptions> options)
{
    private readonly EurostarsOptions _options = options.Value;

    public DateOnly EndsOn => _options.EndsOn;

    /// <summary>The project ends at the end of its last day in the consultancies' zone.</summary>
    public DateTime EndsAtUtc => Zones.ToUtc(_options.EndsOn.AddDays(1).ToDateTime(TimeOnly.MinValue), _options.TimeZone);

    /// <summary>Whole days from today (in the consultancies' zone) to the last day; 0 on the last day, negative after.</summary>
    public int DaysLeft() => _options.EndsOn.DayNumber - Zones.Today(clock, _options.TimeZone).DayNumber;
}
