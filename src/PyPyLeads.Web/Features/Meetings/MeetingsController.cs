using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Schedule;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Meetings;

/// <summary>Lunch and dinner meetings: Planned → Held (with the outcome) or Cancelled; checked for clashes; on the timeline.</summary>
[Route("meetings")]
public sealed class MeetingsController(LeadsDbContext db, TimeProvider clock) : Controller
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
    public async Task<IActionResult> New(MeetingForm form, string? submissionKey, [FromServices] ScheduleMeeting scheduleMeeting, CancellationToken cancellationToken)
    {
        var input = form.ToNew() with { SubmissionKey = submissionKey };
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await scheduleMeeting.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<ScheduleMeeting.Scheduled> done:
                return RedirectToAction(nameof(Details), new { id = done.Value.Id });
            case DuplicatesFound<Clash> clashes:
                return View(await FormPage(form, clashes.Matches, null, cancellationToken));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                if (invalid.Errors.Any(e => e.Field == nameof(form.CompanyName)))
                {
                    form.CompanyId = null; // the company is gone (or was never given): the form asks for its name
                }
                return View(await FormPage(form, [], null, cancellationToken));
            case null:
                return View(await FormPage(form, [], null, cancellationToken));
            case NotAllowed notAllowed when form.CompanyId is null:
                this.RefusedBeside(notAllowed, nameof(form.CompanyName));
                return View(await FormPage(form, [], null, cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Details(int id, CancellationToken cancellationToken) =>
        await Load(id, cancellationToken) is { } meeting ? View(await DetailsPage(meeting, null, null, [], null, null, cancellationToken)) : NotFound();

    [HttpPost("{id:int}/schedule")]
    public async Task<IActionResult> Reschedule(int id, MeetingForm form, [FromServices] RescheduleMeeting reschedule, CancellationToken cancellationToken)
    {
        var input = form.ToReschedule(id);
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await reschedule.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return await ChangedAsync(id, outcome, "schedule", cancellationToken, schedule: form);
    }

    [HttpPost("{id:int}/held")]
    public Task<IActionResult> Held(int id, OutcomeForm form, [FromServices] CloseMeeting close, CancellationToken cancellationToken) =>
        CloseAsync(id, form, MeetingStatus.Held, "held", close, cancellationToken);

    [HttpPost("{id:int}/cancel")]
    public Task<IActionResult> Cancel(int id, OutcomeForm form, [FromServices] CloseMeeting close, CancellationToken cancellationToken) =>
        CloseAsync(id, form, MeetingStatus.Cancelled, "cancel", close, cancellationToken);

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

    private async Task<IActionResult> CloseAsync(int id, OutcomeForm form, MeetingStatus to, string formName, CloseMeeting close, CancellationToken cancellationToken)
    {
        var input = new CloseMeeting.Input(id, to, form.Outcome, form.Version);
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await close.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return await ChangedAsync(id, outcome, formName, cancellationToken, outcomeForm: form);
    }

    /// <summary>The answer to a change: the meeting's page again, with the form that was sent, or why it was refused.</summary>
    private Task<IActionResult> ChangedAsync(int id, Outcome? outcome, string formName, CancellationToken cancellationToken,
        MeetingForm? schedule = null, OutcomeForm? outcomeForm = null) =>
        this.AnswerChangeAsync(id, outcome,
            message => DetailsAsync(id, null, message, [], null, null, cancellationToken),
            clashes => DetailsAsync(id, formName, null, clashes, schedule, outcomeForm, cancellationToken));

    private async Task<IActionResult> DetailsAsync(int id, string? activeForm, string? message, IReadOnlyList<Clash> found, MeetingForm? schedule, OutcomeForm? outcome,
        CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } meeting)
        {
            return NotFound();
        }
        if (schedule is not null)
        {
            schedule.CompanyId = meeting.CompanyId;
        }
        return View(nameof(Details), await DetailsPage(meeting, activeForm, message, found, schedule, outcome, cancellationToken));
    }

    private Task<Meeting?> Load(int id, CancellationToken cancellationToken) =>
        db.Meetings.AsNoTracking().Include(m => m.Company).Include(m => m.Team).Include(m => m.People).FirstOrDefaultAsync(m => m.Id == id, cancellationToken);

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
        return new MeetingPage(meeting, TourAreas.Describe(meeting.StartsAtUtc, meeting.EndsAtUtc, meeting.Area), teamNames, peopleNames, formPage, outcome ?? new OutcomeForm(), activeForm, message,
            (await User.CallerAsync(db, cancellationToken)).MayChange(meeting.Company!.ConsultancyId));
    }
}

public sealed record PersonChoice(int Id, string Name);

public sealed record MeetingRow(int Id, MeetingKind Kind, string Company, string Place, MeetingStatus Status, DateTime StartsAtUtc, DateTime EndsAtUtc, string Area);

public sealed record MeetingList(IReadOnlyList<MeetingRow> Rows, MeetingStatus? Status);

public sealed record MeetingFormPage(MeetingForm Form, EngagementFormView Engagement, IReadOnlyList<PersonChoice> People, string? CompanyName);

public sealed record MeetingPage(Meeting Meeting, string When, IReadOnlyList<string> Team, IReadOnlyList<string> People, MeetingFormPage Schedule, OutcomeForm Outcome, string? ActiveForm, string? Message, bool MayChange);
