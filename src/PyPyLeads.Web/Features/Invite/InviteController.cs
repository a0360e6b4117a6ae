using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Web.Features.Presentations;
using PyPyLeads.Web.Features.Schedule;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Invite;

/// <summary>
/// The public page where any company asks the team to come and present. It never tells whether the company is
/// already known: every accepted request gets the same thank-you.
/// </summary>
[AllowAnonymous]
[Route("invite")]
public sealed class InviteController(LeadsDbContext db, TimeProvider clock, ILogger<InviteController> logger) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(new RequestForm());

    [HttpPost("")]
    [EnableRateLimiting(RateLimits.PublicForm)]
    [RequestSizeLimit(64 * 1024)]
    public async Task<IActionResult> Index(RequestForm form, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(form.Website))
        {
            // A bot filled in the field people cannot see: thank it and keep nothing.
            logger.LogWarning("Invitation honeypot filled from {ClientAddress}", ClientAddress.Of(HttpContext));
            return Redirect("/invite/thanks");
        }
        if (!ModelState.IsValid)
        {
            return View(form);
        }

        // A company created by a simultaneous request trips the unique key: the second try finds it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Not cancelled by a dropped connection: the request arrived whole, so it is kept.
                await SaveAsync(form, CancellationToken.None);
                break;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
        return Redirect("/invite/thanks");
    }

    [HttpGet("thanks")]
    public IActionResult Thanks() => View();

    private async Task SaveAsync(RequestForm form, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var company = await RequestingCompany.FindOrCreateAsync(db, form.CompanyName!, form.WebDomain, form.City, LeadSource.InvitationPage, now, null, cancellationToken);
        var request = new PresentationRequest
        {
            Company = company, ContactName = form.ContactName!.Trim(), ContactEmail = form.ContactEmail!.Trim(),
            Address = form.Address, City = form.City, PreferredDates = form.PreferredDates, AudienceSize = form.AudienceSize,
            Topics = form.Topics.Aggregate(Topics.None, (all, t) => all | t), OtherTopics = form.OtherTopics,
            ConvinceManagement = form.ConvinceManagement, Status = PresentationStatus.Requested, ViaPublicPage = true, CreatedAtUtc = now,
        };
        db.PresentationRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
        db.AddTimeline(User, now, company.Id, "presentation.requested",
            $"{request.ContactName} asked for a presentation through the invitation page", form.PreferredDates is { Length: > 0 } d ? "Preferred dates: " + d : null,
            nameof(PresentationRequest), request.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Presentation request {Id} received from {ClientAddress}", request.Id, ClientAddress.Of(HttpContext));
    }
}
