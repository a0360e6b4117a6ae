using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Web.Features.Schedule;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>Presentation requests: Requested → Scheduled → Delivered, or Declined / Cancelled; every change on the company's timeline.</summary>
[Route("presentations")]
public sealed class PresentationsController(LeadsDbContext db, ClashDetector clashes, TimeProvider clock) : Controller
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
    public async Task<IActionResult> New(RequestForm form, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return View(form);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var company = await RequestingCompany.FindOrCreateAsync(db, form.CompanyName!, form.WebDomain, form.City, LeadSource.Other, now, userId, cancellationToken);
        var request = new PresentationRequest
        {
            Company = company, ContactName = form.ContactName!.Trim(), ContactEmail = form.ContactEmail!.Trim(), Address = form.Address,
            City = form.City, PreferredDates = form.PreferredDates, AudienceSize = form.AudienceSize,
            Topics = form.Topics.Aggregate(Topics.None, (all, t) => all | t), OtherTopics = form.OtherTopics,
            ConvinceManagement = form.ConvinceManagement, Status = PresentationStatus.Requested, CreatedAtUtc = now, CreatedByUserId = userId,
        };
        db.PresentationRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
        db.AddTimeline(User, now, company.Id, "presentation.requested", $"Presentation requested by {request.ContactName}", null, nameof(PresentationRequest), request.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Redirect($"/presentations/{request.Id}");
    }

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } request)
        {
            return NotFound();
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
    public async Task<IActionResult> Edit(int id, RequestForm form, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }
        form.CompanyName = request.Company!.Name;
        ModelState.Remove(nameof(form.CompanyName));
        if (!ModelState.IsValid)
        {
            return View(form);
        }
        if (form.Version != request.Version)
        {
            return await Refuse(request, "Someone changed this request while you were editing it. Here is what it is now; make your change again if it still applies.", cancellationToken);
        }
        var before = (request.ContactName, request.ContactEmail, request.Address, request.City, request.PreferredDates, request.AudienceSize, request.Topics, request.OtherTopics, request.ConvinceManagement);
        request.ContactName = form.ContactName!.Trim();
        request.ContactEmail = form.ContactEmail!.Trim();
        request.Address = form.Address;
        request.City = form.City;
        request.PreferredDates = form.PreferredDates;
        request.AudienceSize = form.AudienceSize;
        request.Topics = form.Topics.Aggregate(Topics.None, (all, t) => all | t);
        request.OtherTopics = form.OtherTopics;
        request.ConvinceManagement = form.ConvinceManagement;
        var after = (request.ContactName, request.ContactEmail, request.Address, request.City, request.PreferredDates, request.AudienceSize, request.Topics, request.OtherTopics, request.ConvinceManagement);
        if (before == after)
        {
            return Redirect($"/presentations/{id}");
        }
        db.AddTimeline(User, clock.GetUtcNow().UtcDateTime, request.CompanyId, "presentation.edited", "Presentation request details corrected", null, nameof(PresentationRequest), request.Id);
        return await SaveOrConflict(request, cancellationToken);
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Details(int id, CancellationToken cancellationToken) =>
        await Load(id, cancellationToken) is { } request ? View(await Page(request, null, null, cancellationToken)) : NotFound();

    [HttpPost("{id:int}/schedule")]
    public async Task<IActionResult> Schedule(int id, ScheduleForm form, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }
        if (Refusal(request, PresentationStatus.Scheduled, form.Version) is { } refused)
        {
            return await Refuse(request, refused, cancellationToken);
        }
        if (!ModelState.IsValid)
        {
            return View("Details", await Page(request, "schedule", null, cancellationToken, schedule: form));
        }
        var found = await clashes.FindAsync(new Booking(form.Area!, form.Place, form.StartsAtUtc(), form.EndsAtUtc(), form.TeamMemberIds) { PresentationId = id }, cancellationToken);
        if (found.Count > 0 && !form.ConfirmClashes)
        {
            return View("Details", await Page(request, "schedule", null, cancellationToken, schedule: form, clashes: found));
        }
        var rescheduled = request.Status == PresentationStatus.Scheduled;
        request.Status = PresentationStatus.Scheduled;
        request.Area = form.Area;
        request.Place = form.Place!.Trim();
        request.StartsAtUtc = form.StartsAtUtc();
        request.EndsAtUtc = form.EndsAtUtc();
        request.Presenters.Clear();
        request.Presenters.AddRange(form.TeamMemberIds.Distinct().Select(m => new PresentationPresenter { TeamMemberId = m }));
        var presenters = string.Join(", ", await db.TeamMembers.Where(m => form.TeamMemberIds.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Name).ToListAsync(cancellationToken));
        var when = Engagements.When(request.StartsAtUtc, request.EndsAtUtc, request.Area);
        db.AddTimeline(User, clock.GetUtcNow().UtcDateTime, request.CompanyId, rescheduled ? "presentation.rescheduled" : "presentation.scheduled",
            $"Presentation {(rescheduled ? "moved to" : "scheduled for")} {when} at {request.Place}",
            $"Presenters: {presenters}" + (found.Count > 0 ? ". Booked despite: " + string.Join(" ", found.Select(c => c.Reason)) : ""),
            nameof(PresentationRequest), request.Id);
        return await SaveOrConflict(request, cancellationToken);
    }

    [HttpPost("{id:int}/deliver")]
    public async Task<IActionResult> Deliver(int id, DeliverForm form, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }
        if (Refusal(request, PresentationStatus.Delivered, form.Version) is { } refused)
        {
            return await Refuse(request, refused, cancellationToken);
        }
        if (!ModelState.IsValid)
        {
            return View("Details", await Page(request, "deliver", null, cancellationToken, deliver: form));
        }
        request.Status = PresentationStatus.Delivered;
        request.Attendance = form.Attendance;
        request.OutcomeNotes = form.Notes;
        db.AddTimeline(User, clock.GetUtcNow().UtcDateTime, request.CompanyId, "presentation.delivered",
            $"Presentation delivered to {form.Attendance} people", form.Notes, nameof(PresentationRequest), request.Id);
        return await SaveOrConflict(request, cancellationToken);
    }

    [HttpPost("{id:int}/decline")]
    public Task<IActionResult> Decline(int id, ReasonForm form, CancellationToken cancellationToken) =>
        Close(id, form, PresentationStatus.Declined, "decline", cancellationToken);

    [HttpPost("{id:int}/cancel")]
    public Task<IActionResult> Cancel(int id, ReasonForm form, CancellationToken cancellationToken) =>
        Close(id, form, PresentationStatus.Cancelled, "cancel", cancellationToken);

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

    private async Task<IActionResult> Close(int id, ReasonForm form, PresentationStatus to, string formName, CancellationToken cancellationToken)
    {
        if (await Load(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }
        if (Refusal(request, to, form.Version) is { } refused)
        {
            return await Refuse(request, refused, cancellationToken);
        }
        if (!ModelState.IsValid)
        {
            return View("Details", await Page(request, formName, null, cancellationToken, reason: form));
        }
        request.Status = to;
        request.Reason = form.Reason!.Trim();
        db.AddTimeline(User, clock.GetUtcNow().UtcDateTime, request.CompanyId, "presentation." + to.ToString().ToLowerInvariant(),
            $"Presentation request {to.ToString().ToLowerInvariant()}", form.Reason, nameof(PresentationRequest), request.Id);
        return await SaveOrConflict(request, cancellationToken);
    }

    /// <summary>Why the change may not happen: the workflow forbids it, or someone changed the request since the form was loaded.</summary>
    private static string? Refusal(PresentationRequest request, PresentationStatus to, long version)
    {
        if (!Workflow.CanMove(request.Status, to))
        {
            return $"A {request.Status.ToString().ToLowerInvariant()} request cannot become {to.ToString().ToLowerInvariant()}.";
        }
        return version != request.Version
            ? "Someone changed this request while you were looking at it. Here is what it is now; make your change again if it still applies."
            : null;
    }

    private async Task<IActionResult> Refuse(PresentationRequest request, string message, CancellationToken cancellationToken)
    {
        Response.StatusCode = StatusCodes.Status409Conflict;
        return View("Details", await Page(request, null, message, cancellationToken));
    }

    private async Task<IActionResult> SaveOrConflict(PresentationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Redirect($"/presentations/{request.Id}");
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await Load(request.Id, cancellationToken);
            return await Refuse(current!, "Someone changed this request at the same moment. Here is what it is now; make your change again if it still applies.", cancellationToken);
        }
    }

    private Task<PresentationRequest?> Load(int id, CancellationToken cancellationToken) =>
        db.PresentationRequests.Include(p => p.Company).Include(p => p.Presenters).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

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
        return new PresentationPage(request, presenters, Engagements.When(request.StartsAtUtc, request.EndsAtUtc, request.Area),
            new EngagementFormView(schedule, team, clashes ?? [], "Place (name and address)", "Presenters"),
            deliver ?? new DeliverForm(), reason ?? new ReasonForm(), activeForm, message);
    }
}

public sealed record PresentationRow(int Id, string Company, string Contact, string? City, PresentationStatus Status, DateTime? StartsAtUtc, DateTime? EndsAtUtc, string? Area);

public sealed record PresentationList(IReadOnlyList<PresentationRow> Rows, int Total, PresentationStatus? Status, string? Company, string? City);

public sealed record PresentationPage(
    PresentationRequest Request, IReadOnlyList<string> Presenters, string When, EngagementFormView Schedule,
    DeliverForm Deliver, ReasonForm Reason, string? ActiveForm, string? Message);
