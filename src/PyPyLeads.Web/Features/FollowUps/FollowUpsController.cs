using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>
/// My follow-ups (due, overdue, done), a new follow-up for a company, one follow-up's page (where the e-mail's links
/// lead), and the changes: done, snooze, reschedule, cancel, retry a failed delivery. Every change is a POST with an
/// antiforgery token; the e-mail's "mark done" and "snooze" links open a page with the button, they change nothing.
/// </summary>
[Route("followups")]
public sealed class FollowUpsController(
    LeadsDbContext db,
    FollowUpDeadlines deadlines,
    IOpenDeals openDeals,
    Microsoft.Extensions.Options.IOptions<FollowUpOptions> options) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? owner, CancellationToken cancellationToken)
    {
        var viewer = await User.CallerAsync(db, cancellationToken);
        var everyone = owner == "all";
        var now = deadlines.NowUtc;
        var query = Rows(everyone ? db.FollowUps : db.FollowUps.Where(f => f.OwnerUserId == viewer.UserId));
        var open = await query.Where(r => r.F.State != FollowUpState.Done && r.F.State != FollowUpState.Cancelled)
            .OrderBy(r => r.F.DueAtUtc).Take(500).ToListAsync(cancellationToken);
        var closed = await query.Where(r => r.F.State == FollowUpState.Done || r.F.State == FollowUpState.Cancelled)
            .OrderByDescending(r => r.F.DoneAtUtc ?? r.F.CancelledAtUtc).Take(20).ToListAsync(cancellationToken);
        var failedForAdmins = viewer.IsAdmin
            ? await Rows(db.FollowUps.Where(f => f.State == FollowUpState.Failed)).OrderBy(r => r.F.DueAtUtc).Take(100).ToListAsync(cancellationToken)
            : [];
        var escalations = await deadlines.Escalations(db, openDeals).OrderBy(c => c.Name).Take(50)
            .Select(c => new EscalationRow(c.Id, c.Name)).ToListAsync(cancellationToken);
        var rows = open.Select(r => ToRow(r, viewer)).ToList();
        return View(new FollowUpListPage(
            everyone,
            viewer.IsAdmin,
            rows.Where(r => r.DueAtUtc <= now).ToList(),
            rows.Where(r => r.DueAtUtc > now).ToList(),
            closed.Select(r => ToRow(r, viewer)).ToList(),
            failedForAdmins.Select(r => ToRow(r, viewer)).ToList(),
            escalations,
            rows.Count(r => r.AfterEnd),
            Dates()));
    }

    /// <summary>A new follow-up for a company; without one, "with which company?" first.</summary>
    [HttpGet("new")]
    public async Task<IActionResult> New(int? companyId, string? q, string? subjectType, int? subjectId, string? returnUrl, CancellationToken cancellationToken)
    {
        var viewer = await User.CallerAsync(db, cancellationToken);
        if (companyId is null)
        {
            return View("PickCompany", await PickCompanyPage.FindAsync(db, "New follow-up", q, viewer.ConsultancyId, cancellationToken));
        }
        var form = new NewFollowUpForm
        {
            CompanyId = companyId.Value,
            SubjectType = FollowUpSubjects.All.Contains(subjectType) ? subjectType : null,
            SubjectId = FollowUpSubjects.All.Contains(subjectType) ? subjectId : null,
            ReturnUrl = LocalOrNull(returnUrl),
            FollowUp = FollowUpFields.Defaults(viewer.UserId, viewer.TimeZoneId, deadlines),
        };
        return await NewPage(form, cancellationToken) is { } page ? View(page) : NotFound();
    }

    [HttpPost("new")]
    public async Task<IActionResult> New(NewFollowUpForm form, string? submissionKey, [FromServices] ScheduleFollowUp scheduleFollowUp, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await scheduleFollowUp.RunAsync(new ScheduleFollowUp.Input(form.CompanyId, form.SubjectType, form.SubjectId,
            form.FollowUp.OwnerUserId, DueRead(form.FollowUp), form.FollowUp.Note) { SubmissionKey = submissionKey }, caller, cancellationToken);
        switch (outcome)
        {
            case Done<ScheduleFollowUp.Scheduled> done:
                TempData.Done(done.Value.Message);
                return Back(form.ReturnUrl, done.Value.FollowUpId);
            case Invalid invalid:
                AddErrors(invalid);
                return await NewPage(form, cancellationToken) is { } page ? View(page) : NotFound();
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:int}")]
    public Task<IActionResult> Details(int id, CancellationToken cancellationToken) => DetailsPage(id, null, cancellationToken);

    /// <summary>Where the e-mail's "mark it done" link leads: the page, with the button first. It changes nothing.</summary>
    [HttpGet("{id:int}/done")]
    public Task<IActionResult> ConfirmDone(int id, CancellationToken cancellationToken) => DetailsPage(id, "done", cancellationToken);

    /// <summary>Where the e-mail's "snooze" link leads.</summary>
    [HttpGet("{id:int}/snooze")]
    public Task<IActionResult> ConfirmSnooze(int id, CancellationToken cancellationToken) => DetailsPage(id, "snooze", cancellationToken);

    // The buttons post the version their page was shown with, so a stale page changes nothing; a post without one (a
    // forged form, or a page from before versions) is answered with the "reload the page" error page.
    [HttpPost("{id:int}/done")]
    public async Task<IActionResult> Done(int id, long? version, string? returnUrl, [FromServices] CompleteFollowUp completeFollowUp, CancellationToken cancellationToken)
    {
        if (version is not { } seen)
        {
            return BadRequest();
        }
        var outcome = await completeFollowUp.RunAsync(new(id, seen), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return Changed(outcome, (outcome as Done<CompleteFollowUp.Completed>)?.Value.Message, id, returnUrl);
    }

    [HttpPost("{id:int}/cancel")]
    public async Task<IActionResult> Cancel(int id, long? version, string? returnUrl, [FromServices] CancelFollowUp cancelFollowUp, CancellationToken cancellationToken)
    {
        if (version is not { } seen)
        {
            return BadRequest();
        }
        var outcome = await cancelFollowUp.RunAsync(new(id, seen), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return Changed(outcome, (outcome as Done<CancelFollowUp.Cancelled>)?.Value.Message, id, returnUrl);
    }

    [HttpPost("{id:int}/retry")]
    public async Task<IActionResult> Retry(int id, string? returnUrl, [FromServices] RetryFollowUpDelivery retryFollowUpDelivery, CancellationToken cancellationToken)
    {
        var outcome = await retryFollowUpDelivery.RunAsync(new(id), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return Changed(outcome, (outcome as Done<RetryFollowUpDelivery.Retried>)?.Value.Message, id, returnUrl);
    }

    [HttpPost("{id:int}/snooze")]
    public async Task<IActionResult> Snooze(int id, [FromForm(Name = "For")] string? choice, long? version, string? returnUrl, [FromServices] SnoozeFollowUp snoozeFollowUp, CancellationToken cancellationToken)
    {
        if (version is not { } seen)
        {
            return BadRequest();
        }
        var outcome = await snoozeFollowUp.RunAsync(new(id, choice, seen), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return Changed(outcome, (outcome as Done<SnoozeFollowUp.Snoozed>)?.Value.Message, id, returnUrl);
    }

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, string? returnUrl, CancellationToken cancellationToken)
    {
        var followUp = await db.FollowUps.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (followUp is null)
        {
            return NotFound();
        }
        var viewer = await User.CallerAsync(db, cancellationToken);
        if (!viewer.MayChange(followUp, await db.Companies.Where(c => c.Id == followUp.CompanyId).Select(c => c.ConsultancyId).FirstOrDefaultAsync(cancellationToken)))
        {
            return Forbid();
        }
        var form = new EditFollowUpForm { Version = followUp.Version, ReturnUrl = LocalOrNull(returnUrl), FollowUp = FieldsOf(followUp, viewer.TimeZoneId) };
        return View(await EditPage(followUp, form, null, cancellationToken));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, EditFollowUpForm form, [FromServices] EditFollowUp editFollowUp, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await editFollowUp.RunAsync(new EditFollowUp.Input(id, form.Version, form.FollowUp.OwnerUserId, DueRead(form.FollowUp), form.FollowUp.Note),
            caller, cancellationToken);
        switch (outcome)
        {
            case Done<EditFollowUp.Saved> done:
                TempData.Done(done.Value.Message);
                return Back(form.ReturnUrl, id);
            case Invalid invalid:
                AddErrors(invalid);
                return View(await EditPage(await db.FollowUps.AsNoTracking().FirstAsync(f => f.Id == id, cancellationToken), form, null, cancellationToken));
            case Conflict<FollowUpChanges.Current> conflict:
                // Nothing saved: their version beside the form, which keeps the person's changes, on the current version.
                var current = await db.FollowUps.AsNoTracking().FirstAsync(f => f.Id == id, cancellationToken);
                ModelState.Clear();
                ModelState.AddModelError("", conflict.Message);
                form.Version = current.Version;
                form.FollowUp.CurrentDueUtc = current.DueAtUtc.ToString("O");
                return View(await EditPage(current, form, current, cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    /// <summary>The due instant the form names, or null when reading the form failed (the use case then refuses it too, with its own rules' messages).</summary>
    private DateTime? DueRead(FollowUpFields fields) => ModelState.IsValid ? fields.DueUtc() : null;

    /// <summary>Puts a use case's errors beside the form's fields, except where reading the field already said what is wrong.</summary>
    private void AddErrors(Invalid invalid)
    {
        foreach (var error in invalid.Errors)
        {
            var field = error.Field switch
            {
                "" or nameof(NewFollowUpForm.CompanyId) or nameof(NewFollowUpForm.SubjectType) or nameof(NewFollowUpForm.SubjectId) => error.Field,
                nameof(ScheduleFollowUp.Input.DueAtUtc) => "FollowUp." + nameof(FollowUpFields.DueLocal),
                _ => "FollowUp." + error.Field,
            };
            if (field.Length == 0 || ModelState.GetFieldValidationState(field) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
            {
                ModelState.AddModelError(field, error.Message);
            }
        }
    }

    /// <summary>After a change from a follow-up's buttons (<paramref name="done"/> when it was made): back where they were, with what happened or why nothing did.</summary>
    private IActionResult Changed(Outcome outcome, string? done, int id, string? returnUrl)
    {
        switch (outcome)
        {
            case Invalid invalid:
                TempData.Problem(invalid.Errors[0].Message);
                break;
            case Conflict<FollowUpChanges.Current> conflict:
                TempData.Problem(conflict.Message);
                break;
            case not null when done is not null:
                TempData.Done(done);
                break;
            default:
                return this.Refused(outcome!);
        }
        return Back(returnUrl, id);
    }

    private IActionResult Back(string? returnUrl, int id) =>
        LocalOrNull(returnUrl) is { } back ? LocalRedirect(back) : RedirectToAction(nameof(Details), new { id });

    private async Task<IActionResult> DetailsPage(int id, string? focus, CancellationToken cancellationToken)
    {
        var row = await Rows(db.FollowUps.Where(f => f.Id == id)).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return NotFound();
        }
        var viewer = await User.CallerAsync(db, cancellationToken);
        var history = await db.Timeline.AsNoTracking()
            .Where(t => t.SubjectType == "FollowUp" && t.SubjectId == id)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Take(50)
            .Select(t => new { t.AtUtc, t.Summary, t.Details, t.ActorName })
            .ToListAsync(cancellationToken);
        return View("Details", new FollowUpDetailsPage(
            ToRow(row, viewer),
            focus,
            history.Select(h => new HistoryLine(ReminderMail.FormatTime(h.AtUtc, viewer.TimeZoneId), h.Summary, h.Details, h.ActorName)).ToList(),
            options.Value.MaxAttempts,
            Dates()));
    }

    private async Task<NewFollowUpPage?> NewPage(NewFollowUpForm form, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().Where(c => c.Id == form.CompanyId && c.DeletedAtUtc == null)
            .Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(cancellationToken);
        return company is null ? null : new NewFollowUpPage(form, company.Name, Dates());
    }

    private async Task<EditFollowUpPage> EditPage(FollowUp followUp, EditFollowUpForm form, FollowUp? theirs, CancellationToken cancellationToken)
    {
        var viewer = await User.CallerAsync(db, cancellationToken);
        var companyName = await db.Companies.Where(c => c.Id == followUp.CompanyId).Select(c => c.Name).FirstAsync(cancellationToken);
        FollowUpRow? theirRow = null;
        if (theirs is not null)
        {
            theirRow = ToRow((await Rows(db.FollowUps.Where(f => f.Id == theirs.Id)).FirstAsync(cancellationToken)), viewer);
        }
        return new EditFollowUpPage(followUp.Id, companyName, form, theirRow, Dates());
    }

    private FollowUpFields FieldsOf(FollowUp followUp, string zone) => new()
    {
        OwnerUserId = followUp.OwnerUserId,
        TimeZoneId = zone,
        DueLocal = FollowUpFields.ToLocalInput(followUp.DueAtUtc, zone),
        CurrentDueUtc = followUp.DueAtUtc.ToString("O"),
        Note = followUp.Note,
    };

    private IQueryable<FollowUpWithNames> Rows(IQueryable<FollowUp> followUps) => followUps.WithNames(db);

    private FollowUpRow ToRow(FollowUpWithNames r, Caller viewer) => FollowUpRow.From(r, viewer, deadlines);

    private DeadlineDates Dates() => DeadlineDates.From(deadlines);

    private string? LocalOrNull(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : null;
}
