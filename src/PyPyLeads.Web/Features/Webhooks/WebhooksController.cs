using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Webhooks;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Webhooks;

/// <summary>Admins register the URLs that receive signed events, and read each one's attempts.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("webhooks")]
public sealed class WebhooksController(LeadsDbContext db, WebhookSecrets secrets) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var pending = await db.WebhookDeliveries.Where(d => d.State == WebhookDeliveryState.Pending)
            .GroupBy(d => d.EndpointId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var rows = (await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.Id).ToListAsync(cancellationToken))
            .Select(e => new WebhookEndpointRow(e.Id, e.Url, e.Description, e.Subscribed, e.Enabled, e.DisabledReason, e.ConsecutiveFailures,
                pending.GetValueOrDefault(e.Id)))
            .ToList();
        return View(rows);
    }

    [HttpGet("new")]
    public IActionResult New() => View("Edit", new WebhookEditPage(null, new WebhookEndpointForm()));

    [HttpPost("new")]
    public Task<IActionResult> New(WebhookEndpointForm form, [FromServices] SaveWebhookEndpoint save, CancellationToken cancellationToken) =>
        SaveAsync(null, form, save, cancellationToken);

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        return endpoint is null ? NotFound() : View(new WebhookEditPage(id, FormOf(endpoint)));
    }

    [HttpPost("{id:int}/edit")]
    public Task<IActionResult> Edit(int id, WebhookEndpointForm form, [FromServices] SaveWebhookEndpoint save, CancellationToken cancellationToken) =>
        SaveAsync(id, form, save, cancellationToken);

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Show(int id, CancellationToken cancellationToken)
    {
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return NotFound();
        }
        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.EndpointId == id)
            .OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id).Take(50).ToListAsync(cancellationToken);
        var pending = await db.WebhookDeliveries.CountAsync(d => d.EndpointId == id && d.State == WebhookDeliveryState.Pending, cancellationToken);
        var caller = await User.CallerAsync(db, cancellationToken);
        return View(new WebhookEndpointPage(endpoint, secrets.Unprotect(endpoint.ProtectedSecret), attempts, pending, caller.TimeZoneId));
    }

    [HttpPost("{id:int}/enabled")]
    public async Task<IActionResult> Enabled(int id, bool enabled, [FromServices] SetWebhookEndpointEnabled setEnabled, CancellationToken cancellationToken)
    {
        var outcome = await setEnabled.RunAsync(new(id, enabled), await User.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<string> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value);
        return RedirectToAction(nameof(Show), new { id });
    }

    [HttpPost("{id:int}/test")]
    public async Task<IActionResult> Test(int id, [FromServices] SendTestWebhook sendTest, CancellationToken cancellationToken)
    {
        var outcome = await sendTest.RunAsync(id, await User.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<string> done:
                TempData.Done(done.Value);
                break;
            case Invalid invalid:
                TempData.Problem(invalid.Errors[0].Message);
                break;
            default:
                return this.Refused(outcome);
        }
        return RedirectToAction(nameof(Show), new { id });
    }

    private async Task<IActionResult> SaveAsync(int? id, WebhookEndpointForm form, SaveWebhookEndpoint save, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await save.RunAsync(new(id, form.Url, form.Description, form.EventTypes, form.Version), caller, cancellationToken);
        switch (outcome)
        {
            case Done<SaveWebhookEndpoint.Saved> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Show), new { id = done.Value.EndpointId });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View("Edit", new WebhookEditPage(id, form));
            case Conflict<long> conflict:
                // The form shows the endpoint as it is now (what was typed would silently undo the other change).
                var current = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == id, cancellationToken);
                ModelState.Clear();
                ModelState.AddModelError("", conflict.Message);
                return View("Edit", new WebhookEditPage(id, FormOf(current)));
            default:
                return this.Refused(outcome);
        }
    }

    private static WebhookEndpointForm FormOf(WebhookEndpoint e) =>
        new() { Url = e.Url, Description = e.Description, EventTypes = [.. e.Subscribed], Version = e.Version };
}
