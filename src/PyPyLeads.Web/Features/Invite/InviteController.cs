using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
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
public sealed class InviteController(ILogger<InviteController> logger) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => View(new RequestForm());

    [HttpPost("")]
    [EnableRateLimiting(RateLimits.PublicForm)]
    [RequestSizeLimit(64 * 1024)]
    public async Task<IActionResult> Index(RequestForm form, string? submissionKey, [FromServices] RequestPresentation requestPresentation, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(form.Website))
        {
            // A bot filled in the field people cannot see: thank it and keep nothing.
            logger.LogWarning("Invitation honeypot filled from {ClientAddress}", ClientAddress.Of(HttpContext));
            return RedirectToAction(nameof(Thanks));
        }
        var input = form.ToRequest() with { SubmissionKey = submissionKey };
        if (await this.CouldNotReadAsync(input, cancellationToken))
        {
            return View(form);
        }
        // Not cancelled by a dropped connection: the request arrived whole, so it is kept.
        var outcome = await requestPresentation.RunFromInvitationPageAsync(input, CancellationToken.None);
        switch (outcome)
        {
            case Done<RequestPresentation.Requested> done:
                logger.LogInformation("Presentation request {Id} received from {ClientAddress}", done.Value.Id, ClientAddress.Of(HttpContext));
                return RedirectToAction(nameof(Thanks));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(form);
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("thanks")]
    public IActionResult Thanks() => View();
}
