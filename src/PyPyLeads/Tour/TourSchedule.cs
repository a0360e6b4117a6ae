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
        var today = dated.Where(s =>
        {
            var day = DateOnly.FromDateTime(Zones.ToLocal(nowUtc, s.TimeZoneId));
            return day >= s.FirstDay && day <= (s.LastDay ?? s.FirstDay);
        }).OrderBy(s => s.StartsAtUtc ?? DateTime.MinValue).ThenBy(s => s.Sequence).ToList();
        if (today.Count > 0)
        {
            return today.LastOrDefault(s => s.StartsAtUtc <= nowUtc) ?? today[0];
        }
        return dated.Where(s => DateOnly.FromDateTime(Zones.ToLocal(nowUtc, s.TimeZoneId)) > (s.LastDay ?? s.FirstDay))
            .OrderBy(s => s.LastDay ?? s.FirstDay).ThenBy(s => s.Sequence).LastOrDefault();
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
