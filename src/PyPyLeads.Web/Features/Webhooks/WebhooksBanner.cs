using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Features.Webhooks;

/// <summary>For admins, on every page: a banner while a webhook endpoint is disabled after failures (not by an admin).</summary>
public sealed class WebhooksBannerViewComponent(LeadsDbContext db, ILogger<WebhooksBannerViewComponent> logger) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        int disabled;
        try
        {
            disabled = await DisabledQuery(db, HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The layout (error pages included) must render even when the database does not answer.
            logger.LogWarning(ex, "Webhook endpoints could not be checked");
            return Content("");
        }
        return disabled == 0 ? Content("") : View("~/Features/Webhooks/_WebhooksBanner.cshtml", disabled);
    }

    // On every admin page, like the reminder and mailbox banners: compiled once, it skips EF's translation each time.
    private static readonly Func<LeadsDbContext, CancellationToken, Task<int>> DisabledQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, CancellationToken _) => db.WebhookEndpoints.Count(e => !e.Enabled && e.ConsecutiveFailures > 0));
}
