using Microsoft.AspNetCore.Mvc;
using PyPyLeads.FollowUps;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>For admins, on every page: a banner while reminders are not going out (no job server, failures, late ones).</summary>
public sealed class ReminderHealthBannerViewComponent(ReminderHealth health, ILogger<ReminderHealthBannerViewComponent> logger) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        ReminderHealthReport report;
        try
        {
            report = await health.CheckAsync(HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The layout (error pages included) must render even when the database does not answer.
            logger.LogWarning(ex, "Reminder health could not be checked");
            report = new ReminderHealthReport(JobServerRunning: false, 0, 0, 0);
        }
        return report.IsHealthy ? Content("") : View("~/Features/FollowUps/_ReminderHealthBanner.cshtml", report);
    }
}
