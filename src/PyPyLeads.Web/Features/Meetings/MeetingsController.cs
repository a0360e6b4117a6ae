using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.Web.Features.Schedule;

namespace PyPyLeads.Web.Features.Meetings;

/// <summary>Lunch and dinner meetings: Planned → Held (with the outcome) or Cancelled; checked for clashes; on the timeline.</summary>
[Route("meetings")]
public sealed class MeetingsController(LeadsDbContext db, ClashDetector clashes, TimeProvider clock) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(MeetingStatus? status, CancellationToken cancellationToken)
    {
        var query = db.Meetings.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(m => m.Status == status);
        }
        var rows = await query.OrderBy(m => m.StartsAtUtc).Take(200)
            .Select(m => new MeetingRow(m.Id, m.Kind, m.Company!.Name, m.PlaceName, m.Status, m.StartsAtUtc, m.EndsAtUtc, m.Area))
            .ToListAsync(cancellationToken);
        return View(new MeetingList(rows, status));
    }

    [HttpGet("new")]
    public async Task<IActionResult> New(int? companyId, CancellationToken cancellationToken) =>
        View(await FormPage(new MeetingForm { CompanyId = companyId }, [], null, cancellationToken));

    [HttpPost("new")]
    public async Task<IActionResult> New(MeetingForm form, CancellationToken cancellationToken)
    {
        if (form.CompanyId is { } cid && !await db.Companies.AnyAsync(c => c.Id == cid && c.DeletedAtUtc == null, cancellationToken))
        {
            ModelState.AddModelError(nameof(form.CompanyName), "That company no longer exists; type its name.");
            form.CompanyId = null;
        }
        if (!ModelState.IsValid)
        {
            return View(await FormPage(form, [], null, cancellationToken));
        }
        var found = await clashes.FindAsync(new Booking(form.Area!, form.Place, form.StartsAtUtc(), form.EndsAtUtc(), form.TeamMemberIds), cancellationToken);
        if (found.Count > 0 && !form.ConfirmClashes)
        {
            return View(await FormPage(form, found, null, cancellationToken));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var company = form.CompanyId is { } id
            ? await db.Companies.SingleAsync(c => c.Id == id, cancellationToken)
            : await RequestingCompany.FindOrCreateAsync(db, form.CompanyName!, null, null, LeadSource.Other, now, User.FindFirstValue(ClaimTypes.NameIdentifier), cancellationToken);
        var meeting = new Meeting
        {
            Company = company, Kind = form.Kind, Area = form.Area!, PlaceName = form.Place!.Trim(), PlaceAddress = form.PlaceAddress,
            StartsAtUtc = form.StartsAtUtc(), EndsAtUtc = form.EndsAtUtc(), Status = MeetingStatus.Planned, CreatedAtUtc = now,
            CreatedByUserId = User.FindFirstValue(ClaimTypes.NameIdentifier),
            Team = form.TeamMemberIds.Distinct().Select(t => new MeetingTeamMember { TeamMemberId = t }).ToList(),
        };
        if (form.CompanyId is not null)
        {
            var personIds = await db.People.Where(p => p.CompanyId == company.Id && p.DeletedAtUtc == null && form.PersonIds.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
            meeting.People = personIds.Select(p => new MeetingPerson { PersonId = p }).ToList();
        }
        db.Meetings.Add(meeting);
        await db.SaveChangesAsync(cancellationToken);
        db.AddTimeline(User, now, company.Id, "meeting.planned",
            $"{meeting.Kind} planned for {Engagements.When(meeting.StartsAtUtc, meeting.EndsAtUtc, meeting.Area)} at {meeting.PlaceName}",
            found.Count > 0 ? "Booked despite: " + string.Join(" ", found.Select(c => c.Reason)) : null, nameof(Meeting), meeting.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Redirect($"/meetings/{meeting.Id}");
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Details(int id, CancellationToken cancellationToken) =>
        await Load(id, cancellationToken) is { } meeting ? View(await DetailsPage(meeting, null, null, [], null, null, cancellationToken)) : NotFound();

    [HttpPost("{id:int}/schedule")]
    public async Task<IActionResult> Reschedule(int id, MeetingForm form, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } meeting)
        {
            return NotFound();
        }
        if (Refusal(meeting, MeetingStatus.Planned, form.Version) is { } refused)
        {
            return await Refuse(meeting, refused, cancellationToken);
        }
        form.CompanyId = meeting.CompanyId;
        if (!ModelState.IsValid)
        {
            return View("Details", await DetailsPage(meeting, "schedule", null, [], form, null, cancellationToken));
        }
        var found = await clashes.FindAsync(new Booking(form.Area!, form.Place, form.StartsAtUtc(), form.EndsAtUtc(), form.TeamMemberIds) { MeetingId = id }, cancellationToken);
        if (found.Count > 0 && !form.ConfirmClashes)
        {
            return View("Details", await DetailsPage(meeting, "schedule", null, found, form, null, cancellationToken));
        }
        meeting.Kind = form.Kind;
        meeting.Area = form.Area!;
        meeting.PlaceName = form.Place!.Trim();
        meeting.PlaceAddress = form.PlaceAddress;
        meeting.StartsAtUtc = form.StartsAtUtc();
        meeting.EndsAtUtc = form.EndsAtUtc();
        meeting.Team.Clear();
        meeting.Team.AddRange(form.TeamMemberIds.Distinct().Select(t => new MeetingTeamMember { TeamMemberId = t }));
        var personIds = await db.People.Where(p => p.CompanyId == meeting.CompanyId && p.DeletedAtUtc == null && form.PersonIds.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        meeting.People.Clear();
        meeting.People.AddRange(personIds.Select(p => new MeetingPerson { PersonId = p }));
        db.Entry(meeting).State = EntityState.Modified;
        db.AddTimeline(User, clock.GetUtcNow().UtcDateTime, meeting.CompanyId, "meeting.rescheduled",
            $"{meeting.Kind} moved to {Engagements.When(meeting.StartsAtUtc, meeting.EndsAtUtc, meeting.Area)} at {meeting.PlaceName}",
            found.Count > 0 ? "Booked despite: " + string.Join(" ", found.Select(c => c.Reason)) : null, nameof(Meeting), meeting.Id);
        return await SaveOrConflict(meeting, cancellationToken);
    }

    [HttpPost("{id:int}/held")]
    public Task<IActionResult> Held(int id, OutcomeForm form, CancellationToken cancellationToken) =>
        Close(id, form, MeetingStatus.Held, "held", cancellationToken);

    [HttpPost("{id:int}/cancel")]
    public Task<IActionResult> Cancel(int id, OutcomeForm form, CancellationToken cancellationToken) =>
        Close(id, form, MeetingStatus.Cancelled, "cancel", cancellationToken);

    [HttpGet("{id:int}/ics")]
    public async Task<IActionResult> Ics(int id, CancellationToken cancellationToken)
    {
        var items = await CalendarFeedItems.ForMeetingsAsync(db, db.Meetings.Where(m => m.Id == id), cancellationToken);
        if (items.Count == 0)
        {
            return NotFound();
        }
        var ics = CalendarFiles.Write(items, "PyPy meeting", clock.GetUtcNow().UtcDateTime);
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", $"pypy-meeting-{id}.ics");
    }

    private async Task<IActionResult> Close(int id, OutcomeForm form, MeetingStatus to, string formName, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } meeting)
        {
            return NotFound();
        }
        if (Refusal(meeting, to, form.Version) is { } refused)
        {
            return await Refuse(meeting, refused, cancellationToken);
        }
        if (!ModelState.IsValid)
        {
            return View("Details", await DetailsPage(meeting, formName, null, [], null, form, cancellationToken));
        }
        meeting.Status = to;
        meeting.Outcome = form.Outcome!.Trim();
        db.AddTimeline(User, clock.GetUtcNow().UtcDateTime, meeting.CompanyId, "meeting." + to.ToString().ToLowerInvariant(),
            to == MeetingStatus.Held ? $"{meeting.Kind} held at {meeting.PlaceName}" : $"{meeting.Kind} cancelled", form.Outcome, nameof(Meeting), meeting.Id);
        return await SaveOrConflict(meeting, cancellationToken);
    }

    private static string? Refusal(Meeting meeting, MeetingStatus to, long version)
    {
        if (!Workflow.CanMove(meeting.Status, to))
        {
            return $"A {meeting.Status.ToString().ToLowerInvariant()} meeting cannot become {to.ToString().ToLowerInvariant()}.";
        }
        return version != meeting.Version
            ? "Someone changed this meeting while you were looking at it. Here is what it is now; make your change again if it still applies."
            : null;
    }

    private async Task<IActionResult> Refuse(Meeting meeting, string message, CancellationToken cancellationToken)
    {
        Response.StatusCode = StatusCodes.Status409Conflict;
        return View("Details", await DetailsPage(meeting, null, message, [], null, null, cancellationToken));
    }

    private async Task<IActionResult> SaveOrConflict(Meeting meeting, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Redirect($"/meetings/{meeting.Id}");
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await Refuse((await Load(meeting.Id, cancellationToken))!,
                "Someone changed this meeting at the same moment. Here is what it is now; make your change again if it still applies.", cancellationToken);
        }
    }

    private Task<Meeting?> Load(int id, CancellationToken cancellationToken) =>
        db.Meetings.Include(m => m.Company).Include(m => m.Team).Include(m => m.People).FirstOrDefaultAsync(m => m.Id == id, cancellationToken);

    private async Task<MeetingFormPage> FormPage(MeetingForm form, IReadOnlyList<Clash> found, string? companyName, CancellationToken cancellationToken)
    {
        var team = await Engagements.TeamAsync(db, cancellationToken);
        var people = form.CompanyId is { } id
            ? await db.People.AsNoTracking().Where(p => p.CompanyId == id && p.DeletedAtUtc == null).OrderBy(p => p.Name).Select(p => new PersonChoice(p.Id, p.Name)).ToListAsync(cancellationToken)
            : [];
        companyName ??= form.CompanyId is { } cid ? await db.Companies.Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken) : null;
        return new MeetingFormPage(form, new EngagementFormView(form, team, found, "Place (restaurant, office...)", "Who from the team goes"), people, companyName);
    }

    private async Task<MeetingPage> DetailsPage(Meeting meeting, string? activeForm, string? message, IReadOnlyList<Clash> found, MeetingForm? schedule, OutcomeForm? outcome, CancellationToken cancellationToken)
    {
        var zone = TourAreas.ZoneOf(meeting.Area);
        schedule ??= new MeetingForm
        {
            CompanyId = meeting.CompanyId, Kind = meeting.Kind, Area = meeting.Area, Place = meeting.PlaceName, PlaceAddress = meeting.PlaceAddress,
            StartsLocal = Zones.ToLocal(meeting.StartsAtUtc, zone), EndsLocal = Zones.ToLocal(meeting.EndsAtUtc, zone),
            TeamMemberIds = meeting.Team.Select(t => t.TeamMemberId).ToList(), PersonIds = meeting.People.Select(p => p.PersonId).ToList(),
        };
        schedule.Version = meeting.Version;
        var formPage = await FormPage(schedule, found, meeting.Company!.Name, cancellationToken);
        var teamNames = formPage.Engagement.TeamMembers.Where(t => meeting.Team.Any(m => m.TeamMemberId == t.Id)).Select(t => t.Name).ToList();
        var peopleNames = formPage.People.Where(p => meeting.People.Any(m => m.PersonId == p.Id)).Select(p => p.Name).ToList();
        return new MeetingPage(meeting, Engagements.When(meeting.StartsAtUtc, meeting.EndsAtUtc, meeting.Area), teamNames, peopleNames, formPage, outcome ?? new OutcomeForm(), activeForm, message);
    }
}

public sealed record PersonChoice(int Id, string Name);

public sealed record MeetingRow(int Id, MeetingKind Kind, string Company, string Place, MeetingStatus Status, DateTime StartsAtUtc, DateTime EndsAtUtc, string Area);

public sealed record MeetingList(IReadOnlyList<MeetingRow> Rows, MeetingStatus? Status);

public sealed record MeetingFormPage(MeetingForm Form, EngagementFormView Engagement, IReadOnlyList<PersonChoice> People, string? CompanyName);

public sealed record MeetingPage(Meeting Meeting, string When, IReadOnlyList<string> Team, IReadOnlyList<string> People, MeetingFormPage Schedule, OutcomeForm Outcome, string? ActiveForm, string? Message);
