using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Intake;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Intake;

/// <summary>
/// The mail the team mailbox brought in: the triage inbox (what matched no company or several), each message with its
/// attachments, and the triage actions (attach, create the company, turn into a presentation request, dismiss,
/// bring back). Everyone signed in reads them; the use cases say who changes what.
/// </summary>
[Route("intake")]
public sealed class IntakeController(LeadsDbContext db) : Controller
{
    private const int PageSize = 50;

    [HttpGet("")]
    public async Task<IActionResult> Index([FromServices] CheckMailbox check, bool dismissed = false, int page = 1, CancellationToken cancellationToken = default)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var state = dismissed ? IntakeState.Dismissed : IntakeState.Triage;
        var query = db.IntakeMessages.AsNoTracking().Where(m => m.State == state);
        var total = await query.CountAsync(cancellationToken);
        page = Math.Clamp(page, 1, Math.Max(1, (total + PageSize - 1) / PageSize));
        // Oldest first: the inbox is worked from the message that has waited longest.
        var rows = await query.OrderBy(m => m.ReceivedAtUtc).ThenBy(m => m.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(m => new { m.Id, m.Subject, m.SenderName, m.SenderAddress, m.ReceivedAtUtc, m.TriageReason, Unreadable = m.RawWhenUnreadable != null })
            .ToListAsync(cancellationToken);
        var waiting = dismissed ? await IntakeHealth.WaitingAsync(db, cancellationToken) : total;
        var dismissedCount = dismissed ? total : await db.IntakeMessages.CountAsync(m => m.State == IntakeState.Dismissed, cancellationToken);
        return View(new TriagePage(dismissed,
            rows.Select(r => new TriageRow(r.Id, r.Subject, Who(r.SenderName, r.SenderAddress), viewer.Time(r.ReceivedAtUtc), r.TriageReason, r.Unreadable)).ToList(),
            total, waiting, dismissedCount, viewer.IsAdmin, check.Mailbox));
    }

    [HttpGet("{id:long}")]
    public async Task<IActionResult> Show(long id, string? view, string? q, CancellationToken cancellationToken)
    {
        var page = await PageAsync(id, view == "html", q, cancellationToken);
        return page is null ? NotFound() : View(page);
    }

    /// <summary>
    /// An attachment, always as a download: served with the type its file name implies only when the message declared
    /// that same type and it is one browsers only display (else as plain bytes), with nosniff and a sandbox, so a
    /// browser never runs what a sender sent.
    /// </summary>
    [HttpGet("{id:long}/attachments/{attachmentId:long}")]
    public async Task<IActionResult> Attachment(long id, long attachmentId, CancellationToken cancellationToken)
    {
        var attachment = await db.IntakeAttachments.AsNoTracking()
            .Where(a => a.Id == attachmentId && a.IntakeMessageId == id && a.Content != null)
            .Select(a => new { a.FileName, a.ContentType, a.Content }).SingleOrDefaultAsync(cancellationToken);
        if (attachment is null)
        {
            return NotFound();
        }
        var type = new FileExtensionContentTypeProvider().TryGetContentType(attachment.FileName, out var implied)
                   && string.Equals(implied, attachment.ContentType, StringComparison.OrdinalIgnoreCase) && Inert(implied)
            ? implied
            : "application/octet-stream";
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        return File(attachment.Content!, type, attachment.FileName);
    }

    [HttpPost("{id:long}/attach")]
    public async Task<IActionResult> Attach(long id, int? companyId, long version, [FromServices] AttachMail attachMail, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await attachMail.RunAsync(new AttachMail.Input(id, companyId, version), caller, cancellationToken);
        return await AfterAsync(id, outcome, cancellationToken);
    }

    [HttpPost("{id:long}/dismiss")]
    public async Task<IActionResult> Dismiss(long id, long version, [FromServices] DismissMail dismissMail, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await dismissMail.RunAsync(id, version, caller, cancellationToken);
        if (outcome is Done<string> done)
        {
            TempData.Done(done.Value);
            return RedirectToAction(nameof(Index));
        }
        return await AfterAsync(id, outcome, cancellationToken);
    }

    [HttpPost("{id:long}/restore")]
    public async Task<IActionResult> Restore(long id, long version, [FromServices] RestoreMail restoreMail, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await restoreMail.RunAsync(id, version, caller, cancellationToken);
        return await AfterAsync(id, outcome, cancellationToken);
    }

    [HttpPost("{id:long}/new-company")]
    public async Task<IActionResult> NewCompany(long id, [Bind(Prefix = nameof(MailPage.NewCompany))] NewCompanyFromMailForm form, string? submissionKey,
        [FromServices] CreateCompanyFromMail createFromMail, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() => createFromMail.RunAsync(new CreateCompanyFromMail.Input(id, form.Version, form.Name, form.WebDomain,
            form.City, form.Country, form.PersonName, form.PersonRole, form.PersonEmail) { SubmissionKey = submissionKey }, caller, cancellationToken));
        switch (outcome)
        {
            case Invalid invalid:
                ModelState.AddErrors(invalid, nameof(MailPage.NewCompany));
                return await FormAgainAsync(id, p => p.With(newCompany: form), cancellationToken);
            case DuplicatesFound<CompanyMatch> duplicates:
                ModelState.AddModelError($"{nameof(MailPage.NewCompany)}.{duplicates.Field}", duplicates.Message);
                return await FormAgainAsync(id, p => p.With(newCompany: form,
                    duplicates: duplicates.Matches.Select(m => new CompanyChoice(m.Id, m.Name, m.ConsultancyId)).ToList()), cancellationToken);
            default:
                return await AfterAsync(id, outcome, cancellationToken);
        }
    }

    [HttpPost("{id:long}/presentation-request")]
    public async Task<IActionResult> PresentationRequest(long id, [Bind(Prefix = nameof(MailPage.Request))] RequestFromMailForm form, string? submissionKey,
        [FromServices] MailToPresentationRequest toRequest, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var input = new RequestPresentation.Input(form.CompanyName, form.WebDomain, form.ContactName, form.ContactEmail, null, form.City, form.PreferredDates,
            form.AudienceSize, form.Topics, form.OtherTopics, null) { SubmissionKey = submissionKey };
        var outcome = await ModelState.RunWhenReadAsync(() => toRequest.RunAsync(id, form.Version, input, caller, cancellationToken));
        switch (outcome)
        {
            case Done<MailToPresentationRequest.Turned> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction("Details", "Presentations", new { id = done.Value.RequestId });
            case Invalid invalid:
                ModelState.AddErrors(invalid, nameof(MailPage.Request));
                return await FormAgainAsync(id, p => p.With(request: form), cancellationToken);
            case NotAllowed refused:
                this.RefusedBeside(refused, $"{nameof(MailPage.Request)}.{nameof(RequestFromMailForm.CompanyName)}");
                return await FormAgainAsync(id, p => p.With(request: form), cancellationToken, keepStatus: true);
            default:
                return await AfterAsync(id, outcome, cancellationToken);
        }
    }

    /// <summary>Reads the mailbox now, in the request (as the minutely job does), and says what came in.</summary>
    [Authorize(Policy = Authentication.AdminPolicy)]
    [HttpPost("check")]
    public async Task<IActionResult> Check([FromServices] CheckMailbox check, CancellationToken cancellationToken)
    {
        var result = await check.RunAsync(cancellationToken);
        var c = result.Counts;
        if (result.Succeeded)
        {
            TempData.Done($"Mailbox checked: {c.Filed} filed on companies, {c.Triage} in triage, {c.AlreadyImported} imported before.");
        }
        else
        {
            TempData.Problem($"The mailbox could not be read: {result.Error} ({c.Filed + c.Triage} messages came in before that; nothing is lost).");
        }
        return RedirectToAction(nameof(Index));
    }

    private async Task<IActionResult> AfterAsync(long id, Outcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case Done<AttachMail.Attached> attached:
                TempData.Done(attached.Value.Message);
                return RedirectToAction(nameof(Show), new { id });
            case Done<string> done:
                TempData.Done(done.Value);
                return RedirectToAction(nameof(Show), new { id });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return await FormAgainAsync(id, p => p, cancellationToken);
            case Conflict<MailState> conflict:
                ModelState.Clear();
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await FormAgainAsync(id, p => p.With(conflict: conflict.Message), cancellationToken, keepStatus: true);
            default:
                return this.Refused(outcome);
        }
    }

    private async Task<IActionResult> FormAgainAsync(long id, Func<MailPage, MailPage> change, CancellationToken cancellationToken, bool keepStatus = false)
    {
        var page = await PageAsync(id, showHtml: false, q: null, cancellationToken);
        if (page is null)
        {
            return NotFound();
        }
        if (!keepStatus)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return View(nameof(Show), change(page));
    }

    private async Task<MailPage?> PageAsync(long id, bool showHtml, string? q, CancellationToken cancellationToken)
    {
        var message = await db.IntakeMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null)
        {
            return null;
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var attachments = await db.IntakeAttachments.AsNoTracking().Where(a => a.IntakeMessageId == id).OrderBy(a => a.Id)
            .Select(a => new AttachmentRow(a.Id, a.FileName, a.ContentType, ImportMail.Size(a.Size), a.Content != null)).ToListAsync(cancellationToken);
        CompanyLink? company = null;
        var offerAddSender = false;
        if (message.CompanyId is { } companyId)
        {
            var row = await db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => new { c.Name, c.ConsultancyId, c.DeletedAtUtc }).SingleAsync(cancellationToken);
            company = new CompanyLink(companyId, row.Name, row.DeletedAtUtc is null && viewer.MayChange(row.ConsultancyId));
            var key = CompanyKeys.Email(message.SenderAddress);
            offerAddSender = company.MayChange && key is not null
                && !await db.People.AnyAsync(p => p.CompanyId == companyId && p.DeletedAtUtc == null && p.EmailKey == key, cancellationToken);
        }
        var choices = message.State == IntakeState.Filed ? [] : await ChoicesAsync(message, q, cancellationToken);
        var suggested = MailSuggestions.For(message);
        return new MailPage
        {
            Message = message,
            Sent = viewer.Time(message.SentAtUtc),
            Received = viewer.Time(message.ReceivedAtUtc),
            Attachments = attachments,
            Company = company,
            OfferAddSender = offerAddSender,
            ShowHtml = showHtml && message.SafeHtml is not null,
            Query = q,
            Choices = choices,
            NewCompany = new NewCompanyFromMailForm
            {
                Name = suggested.CompanyName, WebDomain = suggested.WebDomain, PersonName = suggested.PersonName, PersonRole = suggested.PersonRole,
                PersonEmail = suggested.PersonEmail, Version = message.Version,
            },
            Request = new RequestFromMailForm
            {
                CompanyName = suggested.CompanyName, WebDomain = suggested.WebDomain, ContactName = suggested.PersonName, ContactEmail = suggested.PersonEmail,
                Topics = suggested.Topics.ToList(), OtherTopics = message.Subject, Version = message.Version,
            },
        };
    }

    /// <summary>The companies to offer for attaching: a name search, else those its sender's domain or the match named.</summary>
    private async Task<List<CompanyChoice>> ChoicesAsync(IntakeMessage message, string? q, CancellationToken cancellationToken)
    {
        var companies = db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null);
        if (!string.IsNullOrWhiteSpace(q) && q.Length <= 200)
        {
            var key = CompanyKeys.Name(q);
            companies = companies.Where(c => c.NameKey.Contains(key));
        }
        else
        {
            var domain = message.SenderAddress is { } a ? TeamAddresses.DomainOf(a) : null;
            var email = CompanyKeys.Email(message.SenderAddress);
            companies = companies.Where(c => (domain != null && c.DomainKey == domain) || c.People.Any(p => p.DeletedAtUtc == null && email != null && p.EmailKey == email));
        }
        return await companies.OrderBy(c => c.Name).ThenBy(c => c.Id).Take(PickCompanyPage.Shown)
            .Select(c => new CompanyChoice(c.Id, c.Name, c.ConsultancyId)).ToListAsync(cancellationToken);
    }

    // Types a browser renders or runs (HTML, SVG, XML, scripts) are never served as themselves, even as a download.
    private static bool Inert(string type) =>
        type is "application/pdf" or "text/plain" or "text/csv" or "text/calendar" or "image/png" or "image/jpeg" or "image/gif" or "application/zip"
        || type.StartsWith("application/vnd.openxmlformats-officedocument.", StringComparison.Ordinal)
        || type.StartsWith("application/vnd.oasis.opendocument.", StringComparison.Ordinal)
        || type is "application/msword" or "application/vnd.ms-excel" or "application/vnd.ms-powerpoint";

    private static string Who(string? name, string? address) =>
        address is null ? "(unknown sender)" : string.IsNullOrWhiteSpace(name) ? address : $"{name} <{address}>";
}

internal static class MailPageChanges
{
    public static MailPage With(this MailPage page, NewCompanyFromMailForm? newCompany = null, RequestFromMailForm? request = null, string? conflict = null,
        IReadOnlyList<CompanyChoice>? duplicates = null) => new()
    {
        Message = page.Message, Sent = page.Sent, Received = page.Received, Attachments = page.Attachments, Company = page.Company,
        OfferAddSender = page.OfferAddSender, ShowHtml = page.ShowHtml, Query = page.Query, Choices = page.Choices,
        NewCompany = newCompany ?? page.NewCompany, Request = request ?? page.Request, Conflict = conflict ?? page.Conflict,
        Duplicates = duplicates ?? page.Duplicates,
    };
}
