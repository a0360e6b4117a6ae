using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Schedule;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>Presentation requests: Requested → Scheduled → Delivered, or Declined / Cancelled; every change on the company's timeline.</summary>
[Route("presentations")]
public sealed class PresentationsController(LeadsDbContext db, TimeProvider clock) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(PresentationStatus? status, string? company, string? city, CancellationToken cancellationToken)
    {
        var query = db.PresentationRequests.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(p => p.Status == status);
        }
        if (!string.IsNullOrWhiteSpace(company))
        {
            var key = CompanyKeys.Name(company);
            query = query.Where(p => p.Company!.NameKey.Contains(key));
        }
        if (!string.IsNullOrWhiteSpace(city))
        {
            var c = city.Trim();
            query = query.Where(p => p.City != null && EF.Functions.Like(p.City, "%" + c + "%"));
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(p => p.CreatedAtUtc).ThenByDescending(p => p.Id).Take(100)
            .Select(p => new PresentationRow(p.Id, p.Company!.Name, p.ContactName, p.City, p.Status, p.StartsAtUtc, p.EndsAtUtc, p.Area))
            .ToListAsync(cancellationToken);
        return View(new PresentationList(rows, total, status, company, city));
    }

    [HttpGet("new")]
    public async Task<IActionResult> New(int? companyId, CancellationToken cancellationToken)
    {
        // From a company's page: the company is filled in (and matched again by its name when saved).
        var company = companyId is { } id ? await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken) : null;
        return View(new RequestForm { CompanyName = company?.Name, WebDomain = company?.WebDomain, City = company?.City });
    }

    [HttpPost("new")]
    public async Task<IActionResult> New(RequestForm form, string? submissionKey, [FromServices] RequestPresentation requestPresentation, CancellationToken cancellationToken)
    {
        var input = form.ToRequest() with { SubmissionKey = submissionKey };
        if (await this.CouldNotReadAsync(input, cancellationToken))
        {
            return View(form);
        }
        var outcome = await requestPresentation.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<RequestPresentation.Requested> done:
                return RedirectToAction(nameof(Details), new { id = done.Value.Id });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(form);
            case NotAllowed notAllowed:
                this.RefusedBeside(notAllowed, nameof(form.CompanyName));
                return View(form);
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }
        if (!(await User.CallerAsync(db, cancellationToken)).MayChange(request.Company!.ConsultancyId))
        {
            return Forbid(); // its use case refuses the change anyway
        }
        return View(new RequestForm
        {
            CompanyName = request.Company!.Name, ContactName = request.ContactName, ContactEmail = request.ContactEmail, Address = request.Address,
            City = request.City, PreferredDates = request.PreferredDates, AudienceSize = request.AudienceSize,
            Topics = Enum.GetValues<Topics>().Where(t => t != Topics.None && request.Topics.HasFlag(t)).ToList(),
            OtherTopics = request.OtherTopics, ConvinceManagement = request.ConvinceManagement, Version = request.Version,
        });
    }

    /// <summary>Corrects what was asked for; the company stays the same (merging companies is the companies page's job).</summary>
    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, RequestForm form, [FromServices] EditPresentationRequest edit, CancellationToken cancellationToken)
    {
        var input = form.ToEdit(id);
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await edit.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return await this.AnswerChangeAsync(id, outcome,
            message => DetailsAsync(id, null, message, cancellationToken),
            _ => EditFormAsync(id, form, cancellationToken));
    }

    /// <summary>The edit form again, with its messages; the heading names the request's company.</summary>
    private async Task<IActionResult> EditFormAsync(int id, RequestForm form, CancellationToken cancellationToken)
    {
        form.CompanyName = await db.PresentationRequests.Where(p => p.Id == id).Select(p => p.Company!.Name).FirstOrDefaultAsync(cancellationToken);
        return form.CompanyName is null ? NotFound() : View(nameof(Edit), form);
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Details(int id, CancellationToken cancellationToken) =>
        await Load(id, cancellationToken) is { } request ? View(await Page(request, null, null, cancellationToken)) : NotFound();

    [HttpPost("{id:int}/schedule")]
    public async Task<IActionResult> Schedule(int id, ScheduleForm form, [FromServices] SchedulePresentation schedule, CancellationToken cancellationToken)
    {
        var input = form.ToInput(id);
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await schedule.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return await ChangedAsync(id, outcome, "schedule", cancellationToken, schedule: form);
    }

    [HttpPost("{id:int}/deliver")]
    public async Task<IActionResult> Deliver(int id, DeliverForm form, [FromServices] DeliverPresentation deliver, CancellationToken cancellationToken)
    {
        var input = new DeliverPresentation.Input(id, form.Attendance, form.Notes, form.Version, form.ConfirmBeforeStart);
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await deliver.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return await ChangedAsync(id, outcome, "deliver", cancellationToken, deliver: form);
    }

    [HttpPost("{id:int}/decline")]
    public Task<IActionResult> Decline(int id, ReasonForm form, [FromServices] ClosePresentation close, CancellationToken cancellationToken) =>
        CloseAsync(id, form, PresentationStatus.Declined, "decline", close, cancellationToken);

    [HttpPost("{id:int}/cancel")]
    public Task<IActionResult> Cancel(int id, ReasonForm form, [FromServices] ClosePresentation close, CancellationToken cancellationToken) =>
        CloseAsync(id, form, PresentationStatus.Cancelled, "cancel", close, cancellationToken);

    [HttpGet("{id:int}/ics")]
    public async Task<IActionResult> Ics(int id, CancellationToken cancellationToken)
    {
        var request = await Load(id, cancellationToken);
        if (request is null || request.StartsAtUtc is null || request.Status is not (PresentationStatus.Scheduled or PresentationStatus.Delivered))
        {
            return NotFound();
        }
        var items = await CalendarFeedItems.ForPresentationsAsync(db, db.PresentationRequests.Where(p => p.Id == id), cancellationToken);
        var ics = CalendarFiles.Write(items, "PyPy presentation", clock.GetUtcNow().UtcDateTime);
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", $"pypy-presentation-{id}.ics");
    }

    private async Task<IActionResult> CloseAsync(int id, ReasonForm form, PresentationStatus to, string formName, ClosePresentation close, CancellationToken cancellationToken)
    {
        var input = new ClosePresentation.Input(id, to, form.Reason, form.Version);
        var outcome = await this.CouldNotReadAsync(input, cancellationToken)
            ? null
            : await close.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return await ChangedAsync(id, outcome, formName, cancellationToken, reason: form);
    }

    /// <summary>The answer to a status change: the request's page again, with the form that was sent, or why it was refused.</summary>
    private Task<IActionResult> ChangedAsync(int id, Outcome? outcome, string formName, CancellationToken cancellationToken,
        ScheduleForm? schedule = null, DeliverForm? deliver = null, ReasonForm? reason = null) =>
        this.AnswerChangeAsync(id, outcome,
            message => DetailsAsync(id, null, message, cancellationToken),
            clashes => DetailsAsync(id, formName, null, cancellationToken, schedule, clashes, deliver, reason));

    private async Task<IActionResult> DetailsAsync(int id, string? activeForm, string? message, CancellationToken cancellationToken,
        ScheduleForm? schedule = null, IReadOnlyList<Clash>? clashes = null, DeliverForm? deliver = null, ReasonForm? reason = null) =>
        await Load(id, cancellationToken) is { } request
            ? View(nameof(Details), await Page(request, activeForm, message, cancellationToken, schedule, clashes, deliver, reason))
            : NotFound();

    private Task<PresentationRequest?> Load(int id, CancellationToken cancellationToken) =>
        db.PresentationRequests.AsNoTracking().Include(p => p.Company).Include(p => p.Presenters).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    private async Task<PresentationPage> Page(PresentationRequest request, string? activeForm, string? message, CancellationToken cancellationToken,
        ScheduleForm? schedule = null, IReadOnlyList<Clash>? clashes = null, DeliverForm? deliver = null, ReasonForm? reason = null)
    {
        var team = await Engagements.TeamAsync(db, cancellationToken);
        schedule ??= new ScheduleForm
        {
            Area = request.Area ?? TourAreas.BayArea, Place = request.Place ?? request.Address,
            StartsLocal = request.StartsAtUtc is { } s ? Time.Zones.ToLocal(s, TourAreas.ZoneOf(request.Area ?? TourAreas.BayArea)) : null,
            EndsLocal = request.EndsAtUtc is { } e ? Time.Zones.ToLocal(e, TourAreas.ZoneOf(request.Area ?? TourAreas.BayArea)) : null,
            TeamMemberIds = request.Presenters.Select(p => p.TeamMemberId).ToList(),
        };
        schedule.Version = request.Version;
        var presenters = team.Where(t => request.Presenters.Any(p => p.TeamMemberId == t.Id)).Select(t => t.Name).ToList();
        return new PresentationPage(request, presenters, TourAreas.Describe(request.StartsAtUtc, request.EndsAtUtc, request.Area),
            new EngagementFormView(schedule, team, clashes ?? [], "Place (name and address)", "Presenters"),
            deliver ?? new DeliverForm(), reason ?? new ReasonForm(), activeForm, message,
            (await User.CallerAsync(db, cancellationToken)).MayChange(request.Company!.ConsultancyId))
        {
            BeforeStart = request.StartsAtUtc > clock.GetUtcNow().UtcDateTime,
        };
    }
}

public sealed record PresentationRow(int Id, string Company, string Contact, string? City, PresentationStatus Status, DateTime? StartsAtUtc, DateTime? EndsAtUtc, string? Area);

public sealed record PresentationList(IReadOnlyList<PresentationRow> Rows, int Total, PresentationStatus? Status, string? Company, string? City);

public sealed record PresentationPage(
    PresentationRequest Request, IReadOnlyList<string> Presenters, string When, EngagementFormView Schedule,
    DeliverForm Deliver, ReasonForm Reason, string? ActiveForm, string? Message, bool MayChange)
{
    /// <summary>Its scheduled start has not come yet on the app's clock: "Mark delivered" asks to confirm it took place.</summary>
    public bool BeforeStart { get; init; }
}
