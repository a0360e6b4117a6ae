using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.Today;
using PyPyLeads.Tour;
using PyPyLeads.Web.Features.FollowUps;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Home;

/// <summary>
/// The first screen after signing in: Today (what I have to do now, in my zone), the days left, the pipeline dashboard
/// beside it on a wide screen (below it, one tap away, on a phone) and the tour.
/// </summary>
[Route("")]
public sealed class HomeController(LeadsDbContext db, EurostarsCalendar eurostars, TimeProvider clock) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index([FromServices] TodayItems todayItems, [FromServices] FollowUpDeadlines deadlines, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var me = await User.CallerAsync(db, cancellationToken);
        var stops = await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).ToListAsync(cancellationToken);
        var today = await todayItems.LoadAsync(me, cancellationToken);
        var stop = TourSchedule.NowOrNext(stops, now);
        return View(new HomeViewModel(
            DaysLeft: eurostars.DaysLeft(),
            EurostarsEndsOn: eurostars.EndsOn,
            Now: Zones.ToLocal(now, ReferenceData.Pacific).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " " + Zones.Label(now, ReferenceData.Pacific),
            Stops: stops.Select(s => TourStopRow.From(s, now)).ToList(),
            Today: new TodayPage(today, me.IsAdmin,
                today.FollowUps.Select(f => FollowUpRow.From(f, me, deadlines)).ToList(),
                today.Engagements.Select(e => TodayEngagementRow.From(e, today)).ToList(),
                stop is null ? null : TourStopRow.From(stop, now),
                today.ForAdmins?.FailedReminders.Select(f => FollowUpRow.From(f, me, deadlines)).ToList() ?? [])));
    }

    /// <summary>The pipeline dashboard on a page of its own: one tap from Today on a phone (beside it on a wide screen).</summary>
    [HttpGet("dashboard")]
    public IActionResult Dashboard() => View();
}

public sealed record HomeViewModel(int DaysLeft, DateOnly EurostarsEndsOn, string Now, IReadOnlyList<TourStopRow> Stops, TodayPage Today);

/// <summary>The Today panel: <see cref="TodayList"/> with follow-ups as their cards show them and times in the user's zone.</summary>
public sealed record TodayPage(TodayList List, bool IsAdmin, IReadOnlyList<FollowUpRow> FollowUps, IReadOnlyList<TodayEngagementRow> Engagements,
    TourStopRow? Stop, IReadOnlyList<FollowUpRow> FailedReminders)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Heading => List.Today.ToString("dddd d MMMM", Invariant);

    /// <summary>An instant in the user's zone, with the zone named.</summary>
    public string Time(DateTime utc) => ReminderMail.FormatTime(utc, List.TimeZoneId);

    public static string Date(DateOnly date) => PyPyLeads.Deals.DealText.Date(date);
}

/// <summary>A meeting or presentation: when in the user's zone (today or tomorrow), and at the place's own time when that differs.</summary>
public sealed record TodayEngagementRow(TodayEngagement Item, string Day, string When, string? PlaceTime)
{
    public static TodayEngagementRow From(TodayEngagement e, TodayList list)
    {
        var mine = Zones.ToLocal(e.StartsAtUtc, list.TimeZoneId);
        var day = DateOnly.FromDateTime(mine) switch
        {
            var d when d < list.Today => "Since yesterday",
            var d when d == list.Today => "Today",
            _ => "Tomorrow",
        };
        var when = $"{mine.ToString("HH:mm", CultureInfo.InvariantCulture)}–{Zones.ToLocal(e.EndsAtUtc, list.TimeZoneId).ToString("HH:mm", CultureInfo.InvariantCulture)} {Zones.Label(e.StartsAtUtc, list.TimeZoneId)}";
        var placeZone = TourAreas.Exists(e.Area) ? TourAreas.ZoneOf(e.Area) : list.TimeZoneId;
        var placeTime = Zones.Find(placeZone).GetUtcOffset(e.StartsAtUtc) == Zones.Find(list.TimeZoneId).GetUtcOffset(e.StartsAtUtc)
            ? null
            : TourAreas.Describe(e.StartsAtUtc, e.EndsAtUtc, e.Area) + " there";
        return new TodayEngagementRow(e, day, when, placeTime);
    }
}

public sealed record TourStopRow(string Name, string Venue, string? Address, string City, string When, bool OpenToPublic, string? Details, string Status)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static TourStopRow From(TourStop stop, DateTime nowUtc)
    {
        var status = stop.FirstDay is null ? "" :
            TourSchedule.IsAhead(stop, nowUtc) ? "upcoming" :
            TourSchedule.IsToday(stop, nowUtc) ? "today" : "past";
        return new TourStopRow(stop.Name, stop.Venue, stop.Address, stop.City, Describe(stop), stop.OpenToPublic, stop.Details, status);
    }

    /// <summary>In the stop's own zone, with the zone named; a stop the announcement gives no time for shows none.</summary>
    private static string Describe(TourStop stop)
    {
        if (stop.StartsAtUtc is { } startsAt)
        {
            var local = Zones.ToLocal(startsAt, stop.TimeZoneId);
            return local.ToString("ddd d MMM yyyy, HH:mm", Invariant) + " " + Zones.Label(startsAt, stop.TimeZoneId);
        }
        if (stop.FirstDay is { } first)
        {
            var last = stop.LastDay ?? first;
            return first == last
                ? first.ToString("ddd d MMM yyyy", Invariant)
                : first.ToString("ddd d MMM", Invariant) + " – " + last.ToString("ddd d MMM yyyy", Invariant);
        }
        return "Date not announced";
    }
}
