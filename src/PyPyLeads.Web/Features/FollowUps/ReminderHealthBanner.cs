using Microsoft.AspNetCore.Mvc;
using PyPyLeads.FollowUps;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>For admins, on every page: a banner while reminders are not going out (no job server, failures, late ones).</summary>
public sealed class ReminderHealthBannerViewComponent(ReminderHealth health) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var report = await health.CheckAsync(HttpContext.RequestAborted);
        return report.IsHealthy ? Content("") : View("~/Features/FollowUps/_ReminderHealthBanner.cshtml", report);
    }
}
