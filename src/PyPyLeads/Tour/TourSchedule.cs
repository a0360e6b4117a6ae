using PyPyLeads.Time;

namespace PyPyLeads.Tour;

public static class TourSchedule
{
    /// <summary>
    /// The stop a contact logged now most likely belongs to: one happening today in its own zone (of two on the
    /// same day, the latest that has started, else the first), else the latest past one; null before the tour.
    /// </summary>
    public static TourStop? CurrentOrLatest(IEnumerable<TourStop> stops, DateTime nowUtc)
    {
        var dated = stops.Where(s => s.FirstDay is not null).ToList();
        var today = dated.Where(s => IsToday(s, nowUtc)).OrderBy(s => s.StartsAtUtc ?? DateTime.MinValue).ThenBy(s => s.Sequence).ToList();
        if (today.Count > 0)
        {
            return today.LastOrDefault(s => s.StartsAtUtc <= nowUtc) ?? today[0];
        }
        return dated.Where(s => DateOnly.FromDateTime(Zones.ToLocal(nowUtc, s.TimeZoneId)) > (s.LastDay ?? s.FirstDay))
            .OrderBy(s => s.LastDay ?? s.FirstDay).ThenBy(s => s.Sequence).LastOrDefault();
    }

    /// <summary>
    /// Whether the stop is still ahead on the app's clock: its first day has not come yet in its own zone (a contact
    /// met there cannot have been met yet).
    /// </summary>
    public static bool IsAhead(TourStop stop, DateTime nowUtc) =>
        stop.FirstDay is { } first && DateOnly.FromDateTime(Zones.ToLocal(nowUtc, stop.TimeZoneId)) < first;

    /// <summary>
    /// What to say when a contact is logged at a stop still ahead: when it is, and the stop they more likely mean
    /// (<see cref="CurrentOrLatest"/>), or none before the tour.
    /// </summary>
    public static string NotYet(TourStop stop, TourStop? meant) =>
        $"Not yet: the {Label(stop)} has not happened. Did you mean {(meant is null ? "“Not at a tour stop”" : "the " + Label(meant))}? " +
        $"Choose it, or tick “Yes, at the {stop.Name}” to log it there anyway.";

    /// <summary>Whether the stop's days include today in its own zone.</summary>
    public static bool IsToday(TourStop stop, DateTime nowUtc) =>
        stop.FirstDay is { } first && DateOnly.FromDateTime(Zones.ToLocal(nowUtc, stop.TimeZoneId)) is var today
        && today >= first && today <= (stop.LastDay ?? first);

    /// <summary>
    /// The stop happening now (today in its zone and not over: a talk lasts <see cref="Schedule.ClashDetector.TalkLength"/>,
    /// a stop without a time the whole day), else the next one ahead; null after the tour.
    /// </summary>
    public static TourStop? NowOrNext(IEnumerable<TourStop> stops, DateTime nowUtc)
    {
        var dated = stops.Where(s => s.FirstDay is not null).OrderBy(s => s.FirstDay).ThenBy(s => s.StartsAtUtc ?? DateTime.MinValue).ThenBy(s => s.Sequence).ToList();
        return dated.FirstOrDefault(s => IsToday(s, nowUtc) && (s.StartsAtUtc is not { } start || start + Schedule.ClashDetector.TalkLength > nowUtc))
               ?? dated.FirstOrDefault(s => IsAhead(s, nowUtc));
    }

    /// <summary>"Yelp talk · Thu 3 Mar", "Python VM and Language Summits" for a stop without a date.</summary>
    public static string Label(TourStop stop)
    {
        if (stop.FirstDay is not { } first)
        {
            return stop.Name;
        }
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var last = stop.LastDay ?? first;
        return stop.Name + " · " + (first == last ? first.ToString("ddd d MMM", invariant) : first.Day.ToString(invariant) + "–" + last.ToString("d MMM", invariant));
    }
}
