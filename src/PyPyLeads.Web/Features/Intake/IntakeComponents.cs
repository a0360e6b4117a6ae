using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using PyPyLeads.Data;
using PyPyLeads.Intake;

namespace PyPyLeads.Web.Features.Intake;

/// <summary>The menu's count of messages waiting in the triage inbox (nothing when none wait).</summary>
public sealed class TriageCountViewComponent(LeadsDbContext db, ILogger<TriageCountViewComponent> logger) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        int waiting;
        try
        {
            waiting = await IntakeHealth.WaitingAsync(db, HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The layout (error pages included) must render even when the database does not answer.
            logger.LogWarning(ex, "The triage count could not be read");
            return new HtmlContentViewComponentResult(HtmlString.Empty);
        }
        return new HtmlContentViewComponentResult(waiting == 0 ? HtmlString.Empty
            : new HtmlString($"<span class=\"badge text-bg-warning\" data-testid=\"triage-count\" title=\"E-mails waiting in the triage inbox\">{waiting}</span>"));
    }
}

/// <summary>The admins' banner while the mailbox cannot be read.</summary>
public sealed class IntakeHealthBannerViewComponent(IntakeHealth health, ILogger<IntakeHealthBannerViewComponent> logger) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        IntakeHealthReport report;
        try
        {
            report = await health.RecentAsync(HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Mailbox health could not be checked");
            return Content("");
        }
        return report.IsHealthy ? Content("") : View("~/Features/Intake/_IntakeHealthBanner.cshtml", report);
    }
}
