using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Timeline;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Users;
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
    FollowUpScheduler scheduler,
    FollowUpDeadlines deadlines,
    IOpenDeals openDeals,
    Microsoft.Extensions.Options.IOptions<FollowUpOptions> options) : Controller
{
    private string Me => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private bool IsAdmin => User.IsInRole(Roles.Admin);

    [HttpGet("")]
    public async Task<IActionResult> Index(string? owner, CancellationToken cancellationToken)
    {
        var viewer = await ViewerAsync(cancellationToken);
        var everyone = owner == "all";
        var now = deadlines.NowUtc;
        var query = Rows(everyone ? db.FollowUps : db.FollowUps.Where(f => f.OwnerUserId == Me));
        var open = await query.Where(r => r.F.State != FollowUpState.Done && r.F.State != FollowUpState.Cancelled)
            .OrderBy(r => r.F.DueAtUtc).Take(500).ToListAsync(cancellationToken);
        var closed = await query.Where(r => r.F.State == FollowUpState.Done || r.F.State == FollowUpState.Cancelled)
            .OrderByDescending(r => r.F.DoneAtUtc ?? r.F.CancelledAtUtc).Take(20).ToListAsync(cancellationToken);
        var failedForAdmins = IsAdmin
            ? await Rows(db.FollowUps.Where(f => f.State == FollowUpState.Failed)).OrderBy(r => r.F.DueAtUtc).Take(100).ToListAsync(cancellationToken)
            : [];
        var escalations = await deadlines.Escalations(db, openDeals).OrderBy(c => c.Name).Take(50)
            .Select(c => new EscalationRow(c.Id, c.Name)).ToListAsync(cancellationToken);
        var rows = open.Select(r => ToRow(r, viewer)).ToList();
        return View(new FollowUpListPage(
            everyone,
            IsAdmin,
            rows.Where(r => r.DueAtUtc <= now).ToList(),
            rows.Where(r => r.DueAtUtc > now).ToList(),
            closed.Select(r => ToRow(r, viewer)).ToList(),
            failedForAdmins.Select(r => ToRow(r, viewer)).ToList(),
            escalations,
            rows.Count(r => r.AfterEnd),
            Dates()));
    }

    [HttpGet("new")]
    public async Task<IActionResult> New(int companyId, string? subjectType, int? subjectId, string? returnUrl, CancellationToken cancellationToken)
    {
        var viewer = await ViewerAsync(cancellationToken);
        var form = new NewFollowUpForm
        {
            CompanyId = companyId,
            SubjectType = FollowUpSubjects.All.Contains(subjectType) ? subjectType : null,
            SubjectId = FollowUpSubjects.All.Contains(subjectType) ? subjectId : null,
            ReturnUrl = LocalOrNull(returnUrl),
            FollowUp = FollowUpFields.Defaults(viewer.UserId, viewer.TimeZoneId, deadlines),
        };
        return await NewPage(form, cancellationToken) is { } page ? View(page) : NotFound();
    }

    [HttpPost("new")]
    public async Task<IActionResult> New(NewFollowUpForm form, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            try
            {
                var followUp = await scheduler.CreateAsync(
                    new NewFollowUp(form.CompanyId, form.FollowUp.OwnerUserId!, form.FollowUp.DueUtc()!.Value, form.FollowUp.Note, form.SubjectType, form.SubjectId),
                    await ActorAsync(cancellationToken), cancellationToken);
                TempData.Done("Follow-up scheduled.");
                return Redirect(LocalOrNull(form.ReturnUrl) ?? $"/followups/{followUp.Id}");
            }
            catch (FollowUpRuleException ex)
            {
                // The clock moved on between the check and the save, or the company went away.
                ModelState.AddModelError(ex.Field is "CompanyId" or "SubjectType" ? ex.Field : "FollowUp." + ex.Field, ex.Message);
            }
        }
        return await NewPage(form, cancellationToken) is { } page ? View(page) : NotFound();
    }

    [HttpGet("{id:int}")]
    public Task<IActionResult> Details(int id, CancellationToken cancellationToken) => DetailsPage(id, null, cancellationToken);

    /// <summary>Where the e-mail's "mark it done" link leads: the page, with the button first. It changes nothing.</summary>
    [HttpGet("{id:int}/done")]
    public Task<IActionResult> ConfirmDone(int id, CancellationToken cancellationToken) => DetailsPage(id, "done", cancellationToken);

    /// <summary>Where the e-mail's "snooze" link leads.</summary>
    [HttpGet("{id:int}/snooze")]
    public Task<IActionResult> ConfirmSnooze(int id, CancellationToken cancellationToken) => DetailsPage(id, "snooze", cancellationToken);

    [HttpPost("{id:int}/done")]
    public Task<IActionResult> Done(int id, string? returnUrl, CancellationToken cancellationToken) =>
        Change(id, returnUrl, "Marked done.", async (f, actor) => await scheduler.CompleteAsync(f, actor, cancellationToken), cancellationToken);

    [HttpPost("{id:int}/cancel")]
    public Task<IActionResult> Cancel(int id, string? returnUrl, CancellationToken cancellationToken) =>
        Change(id, returnUrl, "Follow-up cancelled.", async (f, actor) => await scheduler.CancelAsync(f, actor, cancellationToken), cancellationToken);

    [HttpPost("{id:int}/retry")]
    public Task<IActionResult> Retry(int id, string? returnUrl, CancellationToken cancellationToken) =>
        Change(id, returnUrl, "The reminder e-mail will be tried again now.", async (f, actor) => await scheduler.RetryAsync(f, actor, cancellationToken), cancellationToken);

    [HttpPost("{id:int}/snooze")]
    public Task<IActionResult> Snooze(int id, [FromForm(Name = "For")] string? choice, string? returnUrl, CancellationToken cancellationToken) =>
        Change(id, returnUrl, null, async (f, actor) =>
        {
            var zone = await db.Users.Where(u => u.Id == f.OwnerUserId).Select(u => u.TimeZoneId).FirstOrDefaultAsync(cancellationToken) ?? "UTC";
            var until = SnoozeChoices.Resolve(choice, deadlines.NowUtc, zone)
                        ?? throw new FollowUpRuleException("", "Choose how long to snooze: 15 minutes, an hour, or until tomorrow morning.");
            await scheduler.SnoozeAsync(f, until.UntilUtc, until.Label, actor, cancellationToken);
            var viewerZone = (await ViewerAsync(cancellationToken)).TimeZoneId;
            TempData.Done($"Snoozed {until.Label}: due {ReminderMail.FormatTime(until.UntilUtc, viewerZone)}.");
        }, cancellationToken);

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, string? returnUrl, CancellationToken cancellationToken)
    {
        var followUp = await db.FollowUps.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (followUp is null)
        {
            return NotFound();
        }
        if (!CanChange(followUp))
        {
            return Forbid();
        }
        var viewer = await ViewerAsync(cancellationToken);
        var form = new EditFollowUpForm { Version = followUp.Version, ReturnUrl = LocalOrNull(returnUrl), FollowUp = FieldsOf(followUp, viewer.TimeZoneId) };
        return View(await EditPage(followUp, form, null, cancellationToken));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, EditFollowUpForm form, CancellationToken cancellationToken)
    {
        var followUp = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (followUp is null)
        {
            return NotFound();
        }
        if (!CanChange(followUp))
        {
            return Forbid();
        }
        if (!followUp.IsOpen)
        {
            ModelState.AddModelError("", $"This follow-up is already {followUp.State.ToString().ToLowerInvariant()}: schedule a new one instead.");
        }
        if (!ModelState.IsValid)
        {
            return View(await EditPage(followUp, form, null, cancellationToken));
        }
        // The person edited the version they saw; if someone changed it since, the save is refused below.
        db.Entry(followUp).Property(f => f.Version).OriginalValue = form.Version;
        try
        {
            await scheduler.UpdateAsync(followUp, form.FollowUp.DueUtc()!.Value, form.FollowUp.Note, form.FollowUp.OwnerUserId!,
                await ActorAsync(cancellationToken), cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.FollowUps.AsNoTracking().FirstAsync(f => f.Id == id, cancellationToken);
            ModelState.Clear();
            ModelState.AddModelError("", "Someone else changed this follow-up while you were editing it. Their version is shown below; " +
                "your changes are still in the form: save again to replace theirs.");
            form.Version = current.Version;
            form.FollowUp.CurrentDueUtc = current.DueAtUtc.ToString("O");
            return View(await EditPage(current, form, current, cancellationToken));
        }
        catch (FollowUpRuleException ex)
        {
            ModelState.AddModelError("FollowUp." + ex.Field, ex.Message);
            return View(await EditPage(followUp, form, null, cancellationToken));
        }
        TempData.Done("Follow-up saved.");
        return Redirect(LocalOrNull(form.ReturnUrl) ?? $"/followups/{id}");
    }

    private async Task<IActionResult> Change(int id, string? returnUrl, string? flash, Func<FollowUp, Actor, Task> change, CancellationToken cancellationToken)
    {
        var followUp = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (followUp is null)
        {
            return NotFound();
        }
        if (!CanChange(followUp))
        {
            return Forbid();
        }
        try
        {
            await change(followUp, await ActorAsync(cancellationToken));
            if (flash is not null)
            {
                TempData.Done(flash);
            }
        }
        catch (FollowUpRuleException ex)
        {
            TempData.Problem(ex.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            TempData.Problem("Someone else changed this follow-up a moment ago. Here it is as it stands now.");
        }
        return Redirect(LocalOrNull(returnUrl) ?? $"/followups/{id}");
    }

    private async Task<IActionResult> DetailsPage(int id, string? focus, CancellationToken cancellationToken)
    {
        var row = await Rows(db.FollowUps.Where(f => f.Id == id)).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return NotFound();
        }
        var viewer = await ViewerAsync(cancellationToken);
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
        var viewer = await ViewerAsync(cancellationToken);
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

    /// <summary>The owner, whoever created it, and admins may change a follow-up; everyone signed in may see it.</summary>
    private bool CanChange(FollowUp followUp) => followUp.OwnerUserId == Me || followUp.CreatedByUserId == Me || IsAdmin;

    private IQueryable<RowData> Rows(IQueryable<FollowUp> followUps) =>
        from f in followUps
        join u in db.Users on f.OwnerUserId equals u.Id
        select new RowData { F = f, CompanyName = f.Company!.Name, OwnerName = u.DisplayName };

    private FollowUpRow ToRow(RowData r, Viewer viewer) => new(
        r.F.Id, r.F.CompanyId, r.CompanyName, r.F.SubjectType, r.F.SubjectId, r.F.OwnerUserId, r.OwnerName,
        r.F.DueAtUtc, ReminderMail.FormatTime(r.F.DueAtUtc, viewer.TimeZoneId), r.F.Note, r.F.State, r.F.AttemptCount, r.F.LastError,
        r.F.IsOpen && deadlines.IsAfterEnd(r.F.DueAtUtc), r.F.IsOpen && deadlines.IsAfterLastSafe(r.F.DueAtUtc),
        r.F.IsOpen && r.F.DueAtUtc <= deadlines.NowUtc, CanChange(r.F),
        r.F.RemindedAtUtc is { } reminded ? ReminderMail.FormatTime(reminded, viewer.TimeZoneId) : null,
        (r.F.DoneAtUtc ?? r.F.CancelledAtUtc) is { } closed ? ReminderMail.FormatTime(closed, viewer.TimeZoneId) : null,
        r.F.State == FollowUpState.Scheduled && r.F.AttemptCount > 0 ? ReminderMail.FormatTime(r.F.NextAttemptAtUtc, viewer.TimeZoneId) : null);

    private DeadlineDates Dates() => DeadlineDates.From(deadlines);

    private async Task<Viewer> ViewerAsync(CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.Id == Me).Select(u => new Viewer(u.Id, u.DisplayName, u.TimeZoneId)).FirstAsync(cancellationToken);

    private async Task<Actor> ActorAsync(CancellationToken cancellationToken)
    {
        var viewer = await ViewerAsync(cancellationToken);
        return new Actor(viewer.UserId, viewer.DisplayName);
    }

    private string? LocalOrNull(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : null;

    private sealed class RowData
    {
        public required FollowUp F { get; init; }
        public required string CompanyName { get; init; }
        public required string OwnerName { get; init; }
    }

    private sealed record Viewer(string UserId, string DisplayName, string TimeZoneId);
}
