using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Schedule;

/// <summary>The schedule day by day (tour stops, presentations, meetings), and each user's private calendar feed.</summary>
public sealed class ScheduleController(LeadsDbContext db, TimeProvider clock) : Controller
{
    [HttpGet("schedule")]
    public async Task<IActionResult> Index(int? member, CancellationToken cancellationToken)
    {
        var team = await Engagements.TeamAsync(db, cancellationToken);
        var entries = new List<ScheduleEntry>();

        var stops = await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).ToListAsync(cancellationToken);
        var attendees = await db.TourStopAttendees.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var stop in stops.Where(s => member is null || attendees.Any(a => a.TourStopId == s.Id && a.TeamMemberId == member)))
        {
            if (ClashDetector.BusyWindow(stop) is not { } window)
            {
                continue;
            }
            var names = team.Where(t => attendees.Any(a => a.TourStopId == stop.Id && a.TeamMemberId == t.Id)).Select(t => t.Name);
            entries.Add(Entry("Tour", stop.Name, stop.Venue, window.From, stop.StartsAtUtc is null ? null : window.To, stop.TimeZoneId, names, null, null));
        }

        var presentations = await db.PresentationRequests.AsNoTracking()
            .Where(p => p.StartsAtUtc != null && (p.Status == PresentationStatus.Scheduled || p.Status == PresentationStatus.Delivered))
            .Where(p => member == null || p.Presenters.Any(x => x.TeamMemberId == member))
            .Select(p => new { p.Id, Company = p.Company!.Name, p.Place, p.StartsAtUtc, p.EndsAtUtc, p.Area, Team = p.Presenters.Select(x => x.TeamMemberId).ToList() })
            .ToListAsync(cancellationToken);
        entries.AddRange(presentations.Select(p => Entry("Presentation", "Presentation at " + p.Company, p.Place, p.StartsAtUtc!.Value, p.EndsAtUtc,
            TourAreas.ZoneOf(p.Area!), team.Where(t => p.Team.Contains(t.Id)).Select(t => t.Name), Url.Action("Details", "Presentations", new { id = p.Id }), Url.Action("Ics", "Presentations", new { id = p.Id }))));

        var meetings = await db.Meetings.AsNoTracking()
            .Where(m => m.Status != MeetingStatus.Cancelled)
            .Where(m => member == null || m.Team.Any(x => x.TeamMemberId == member))
            .Select(m => new { m.Id, m.Kind, Company = m.Company!.Name, m.PlaceName, m.StartsAtUtc, m.EndsAtUtc, m.Area, Team = m.Team.Select(x => x.TeamMemberId).ToList() })
            .ToListAsync(cancellationToken);
        entries.AddRange(meetings.Select(m => Entry(m.Kind.ToString(), $"{m.Kind} with {m.Company}", m.PlaceName, m.StartsAtUtc, m.EndsAtUtc,
            TourAreas.ZoneOf(m.Area), team.Where(t => m.Team.Contains(t.Id)).Select(t => t.Name), Url.Action("Details", "Meetings", new { id = m.Id }), Url.Action("Ics", "Meetings", new { id = m.Id }))));

        var days = entries.OrderBy(e => e.StartsAtUtc).GroupBy(e => e.Day).Select(g => new ScheduleDay(g.Key, g.ToList())).ToList();
        return View(new SchedulePage(days, team, member));
    }

    [HttpGet("calendar")]
    public async Task<IActionResult> Calendar(CancellationToken cancellationToken)
    {
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var active = await db.CalendarFeeds.AnyAsync(f => f.UserId == userId && f.RevokedAtUtc == null, cancellationToken);
        return View(new CalendarPage(active, null));
    }

    /// <summary>A new secret feed address; any earlier one stops working. The address is shown once: only its hash is kept.</summary>
    [HttpPost("calendar/feed")]
    public async Task<IActionResult> NewFeed(string? submissionKey, [FromServices] CreateCalendarFeed createFeed, CancellationToken cancellationToken)
    {
        var outcome = await createFeed.RunAsync(new CreateCalendarFeed.Input(submissionKey), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<CreateCalendarFeed.Created> done
            ? View(nameof(Calendar), new CalendarPage(true, Url.Public(Url.Action(nameof(Feed), null, new { token = done.Value.Token }))))
            : this.Refused(outcome);
    }

    [HttpPost("calendar/feed/revoke")]
    public async Task<IActionResult> RevokeFeed([FromServices] RevokeCalendarFeed revokeFeed, CancellationToken cancellationToken)
    {
        var outcome = await revokeFeed.RunAsync(await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<RevokeCalendarFeed.Revoked> ? RedirectToAction(nameof(Calendar)) : this.Refused(outcome);
    }

    /// <summary>Calendar apps subscribe without a cookie: the secret token is the key. Unknown or revoked: 404.</summary>
    [AllowAnonymous]
    [HttpGet("calendar/feed/{token}.ics")]
    public async Task<IActionResult> Feed(string token, CancellationToken cancellationToken)
    {
        if (token.Length != 64)
        {
            return NotFound();
        }
        var hash = CalendarFeed.Hash(token);
        var user = await (from f in db.CalendarFeeds
                          join u in db.Users on f.UserId equals u.Id
                          where f.TokenHash == hash && f.RevokedAtUtc == null
                          select new { u.TeamMemberId, u.DisplayName }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return NotFound();
        }
        var member = user.TeamMemberId;
        var stopIds = await db.TourStopAttendees.Where(a => member == null || a.TeamMemberId == member).Select(a => a.TourStopId).Distinct().ToListAsync(cancellationToken);
        var stops = await db.TourStops.AsNoTracking().Where(s => member == null || stopIds.Contains(s.Id)).ToListAsync(cancellationToken);
        var items = CalendarFeedItems.ForTourStops(stops);
        items.AddRange(await CalendarFeedItems.ForPresentationsAsync(db, db.PresentationRequests.Where(p => member == null || p.Presenters.Any(x => x.TeamMemberId == member)), cancellationToken));
        items.AddRange(await CalendarFeedItems.ForMeetingsAsync(db, db.Meetings.Where(m => member == null || m.Team.Any(x => x.TeamMemberId == member)), cancellationToken));
        var ics = CalendarFiles.Write(items, $"PyPy tour: {user.DisplayName}", clock.GetUtcNow().UtcDateTime);
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8");
    }

    private static ScheduleEntry Entry(string kind, string title, string? place, DateTime startsUtc, DateTime? endsUtc, string zone, IEnumerable<string> team, string? link, string? ics)
    {
        var local = Zones.ToLocal(startsUtc, zone);
        var time = endsUtc is { } end
            ? $"{local.ToString("HH:mm", CultureInfo.InvariantCulture)}–{Zones.ToLocal(end, zone).ToString("HH:mm", CultureInfo.InvariantCulture)} {Zones.Label(startsUtc, zone)}"
            : "all day";
        return new ScheduleEntry(DateOnly.FromDateTime(local), startsUtc, kind, title, place, time, string.Join(", ", team), link, ics);
    }
}

public sealed record ScheduleEntry(DateOnly Day, DateTime StartsAtUtc, string Kind, string Title, string? Place, string Time, string Team, string? Link, string? Ics);

public sealed record ScheduleDay(DateOnly Day, IReadOnlyList<ScheduleEntry> Entries);

public sealed record SchedulePage(IReadOnlyList<ScheduleDay> Days, IReadOnlyList<TeamMemberChoice> Team, int? Member);

public sealed record CalendarPage(bool HasFeed, string? NewFeedUrl);
