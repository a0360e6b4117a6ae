using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;

namespace PyPyLeads.Schedule;

/// <summary>A proposed booking of team members, to be checked before it is saved.</summary>
public sealed record Booking(string Area, string? Place, DateTime StartsAtUtc, DateTime EndsAtUtc, IReadOnlyCollection<int> TeamMemberIds)
{
    /// <summary>The presentation being rescheduled, so it does not clash with itself.</summary>
    public int? PresentationId { get; init; }

    /// <summary>The meeting being rescheduled, so it does not clash with itself.</summary>
    public int? MeetingId { get; init; }
}

public sealed record Clash(int TeamMemberId, string TeamMember, string Reason);

/// <summary>
/// Finds why a booking may not work: a team member who is not in that area then, or who is already booked
/// (a tour stop they attend, a scheduled presentation, a planned meeting) within the travel time. Each message says
/// when that engagement ends (a talk's assumed length), the travel time, and when the person is free again.
/// </summary>
public sealed class ClashDetector(LeadsDbContext db)
{
    /// <summary>The announcement gives start times only; a talk is taken to last this long.</summary>
    public static readonly TimeSpan TalkLength = TimeSpan.FromMinutes(90);

    /// <summary>Time to get from one place to another within an area.</summary>
    public static readonly TimeSpan TravelTime = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<Clash>> FindAsync(Booking booking, CancellationToken cancellationToken = default)
    {
        var ids = booking.TeamMemberIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var names = await db.TeamMembers.Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        var from = booking.StartsAtUtc - TravelTime;
        var to = booking.EndsAtUtc + TravelTime;
        var clashes = new List<Clash>();

        var stays = await db.TeamStays.AsNoTracking().Where(s => ids.Contains(s.TeamMemberId)).ToListAsync(cancellationToken);
        foreach (var id in ids)
        {
            var inArea = stays.Any(s => s.TeamMemberId == id && s.Area == booking.Area && s.FromUtc <= booking.StartsAtUtc && s.ToUtc >= booking.EndsAtUtc);
            if (!inArea)
            {
                var elsewhere = stays.Where(s => s.TeamMemberId == id && s.FromUtc < booking.EndsAtUtc && s.ToUtc > booking.StartsAtUtc).Select(s => s.Area).FirstOrDefault();
                clashes.Add(new Clash(id, names[id], elsewhere is null
                    ? $"{names[id]} is not known to be in the {booking.Area} then."
                    : $"{names[id]} is in {elsewhere}, not in the {booking.Area}, then."));
            }
        }

        // Each engagement in the way, with when it ends and how long it takes to get from it: the messages say when
        // the person is free again, after the last of them.
        var busy = new List<(int Member, string Reason, string Ends, DateTime FreeFrom, bool SamePlace)>();
        var stops = await (from a in db.TourStopAttendees
                           join s in db.TourStops on a.TourStopId equals s.Id
                           where ids.Contains(a.TeamMemberId)
                           select new { a.TeamMemberId, Stop = s }).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var (memberId, stop) in stops.Select(x => (x.TeamMemberId, x.Stop)))
        {
            var window = BusyWindow(stop);
            if (window is { } w && Overlaps(w.From, w.To, booking, stop.Venue))
            {
                var when = stop.StartsAtUtc is { } s
                    ? Zones.ToLocal(s, stop.TimeZoneId).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture) + " " + Zones.Label(s, stop.TimeZoneId)
                    : stop.FirstDay!.Value.ToString("ddd d MMM", CultureInfo.InvariantCulture) + (stop.LastDay != stop.FirstDay ? " – " + stop.LastDay!.Value.ToString("ddd d MMM", CultureInfo.InvariantCulture) : "");
                var ends = stop.StartsAtUtc is null
                    ? $"taking those whole days, to {Time(w.To, booking)}"
                    : $"a talk is taken to last {TalkLength.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} minutes, so until {Time(w.To, booking)}";
                busy.Add((memberId, $"{names[memberId]} is at the {stop.Name} ({when})", ends, w.To + Margin(booking, stop.Venue), SamePlace(booking, stop.Venue)));
            }
        }

        var presentations = await db.PresentationRequests.AsNoTracking()
            .Where(p => p.Status == PresentationStatus.Scheduled && p.Id != booking.PresentationId && p.StartsAtUtc < to && p.EndsAtUtc > from)
            .Where(p => p.Presenters.Any(x => ids.Contains(x.TeamMemberId)))
            .Select(p => new { p.StartsAtUtc, p.EndsAtUtc, p.Place, p.Area, Company = p.Company!.Name, Members = p.Presenters.Select(x => x.TeamMemberId).ToList() })
            .ToListAsync(cancellationToken);
        foreach (var p in presentations)
        {
            if (!Overlaps(p.StartsAtUtc!.Value, p.EndsAtUtc!.Value, booking, p.Place))
            {
                continue;
            }
            foreach (var id in p.Members.Where(ids.Contains))
            {
                busy.Add((id, $"{names[id]} presents at {p.Company} ({Describe(p.StartsAtUtc.Value, p.Area)})", $"until {Time(p.EndsAtUtc.Value, booking)}",
                    p.EndsAtUtc.Value + Margin(booking, p.Place), SamePlace(booking, p.Place)));
            }
        }

        var meetings = await db.Meetings.AsNoTracking()
            .Where(m => m.Status == MeetingStatus.Planned && m.Id != booking.MeetingId && m.StartsAtUtc < to && m.EndsAtUtc > from)
            .Where(m => m.Team.Any(x => ids.Contains(x.TeamMemberId)))
            .Select(m => new { m.StartsAtUtc, m.EndsAtUtc, m.PlaceName, m.Area, m.Kind, Company = m.Company!.Name, Members = m.Team.Select(x => x.TeamMemberId).ToList() })
            .ToListAsync(cancellationToken);
        foreach (var m in meetings)
        {
            if (!Overlaps(m.StartsAtUtc, m.EndsAtUtc, booking, m.PlaceName))
            {
                continue;
            }
            foreach (var id in m.Members.Where(ids.Contains))
            {
                busy.Add((id, $"{names[id]} has {m.Kind.ToString().ToLowerInvariant()} with {m.Company} ({Describe(m.StartsAtUtc, m.Area)})", $"until {Time(m.EndsAtUtc, booking)}",
                    m.EndsAtUtc + Margin(booking, m.PlaceName), SamePlace(booking, m.PlaceName)));
            }
        }

        foreach (var b in busy)
        {
            var freeFrom = busy.Where(o => o.Member == b.Member).Max(o => o.FreeFrom);
            var travel = b.SamePlace ? "at the same place, so no travel" : $"plus {TravelTime.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} minutes to travel";
            clashes.Add(new Clash(b.Member, names[b.Member], $"{b.Reason}: {b.Ends}, {travel}. Free from {Time(freeFrom, booking)}."));
        }
        return clashes;
    }

    /// <summary>A talk from its start for <see cref="TalkLength"/>; a stop with days but no time takes those whole local days.</summary>
    public static (DateTime From, DateTime To)? BusyWindow(Tour.TourStop stop)
    {
        if (stop.StartsAtUtc is { } start)
        {
            return (start, start + TalkLength);
        }
        if (stop.FirstDay is { } first)
        {
            var last = stop.LastDay ?? first;
            return (Zones.ToUtc(first.ToDateTime(TimeOnly.MinValue), stop.TimeZoneId),
                    Zones.ToUtc(last.AddDays(1).ToDateTime(TimeOnly.MinValue), stop.TimeZoneId));
        }
        return null;
    }

    /// <summary>Overlap, counting travel time unless both are at the same place.</summary>
    private static bool Overlaps(DateTime from, DateTime to, Booking booking, string? place)
    {
        var margin = Margin(booking, place);
        return from < booking.EndsAtUtc + margin && to > booking.StartsAtUtc - margin;
    }

    private static bool SamePlace(Booking booking, string? place) =>
        place is not null && booking.Place is not null && string.Equals(place.Trim(), booking.Place.Trim(), StringComparison.OrdinalIgnoreCase);

    private static TimeSpan Margin(Booking booking, string? place) => SamePlace(booking, place) ? TimeSpan.Zero : TravelTime;

    /// <summary>An instant in the booking's area, as a time of day when it falls on the booking's day, else with its day.</summary>
    private static string Time(DateTime utc, Booking booking)
    {
        var zone = TourAreas.Exists(booking.Area) ? TourAreas.ZoneOf(booking.Area) : "UTC";
        var local = Zones.ToLocal(utc, zone);
        return local.Date == Zones.ToLocal(booking.StartsAtUtc, zone).Date
            ? local.ToString("HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
    }

    private static string Describe(DateTime utc, string? area)
    {
        var zone = TourAreas.Exists(area) ? TourAreas.ZoneOf(area!) : "UTC";
        return Zones.ToLocal(utc, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture) + " " + Zones.Label(utc, zone);
    }
}
