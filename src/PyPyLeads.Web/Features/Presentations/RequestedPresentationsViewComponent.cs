using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>Tells the coordinators (admins), in the navigation, how many presentation requests wait for an answer.</summary>
public sealed class RequestedPresentationsViewComponent(LeadsDbContext db) : ViewComponent
{
    /// <summary>Past this the badge shows "99+".</summary>
    public const int Shown = 99;

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.IsInRole(Roles.Admin))
        {
            return new HtmlContentViewComponentResult(HtmlString.Empty);
        }
        // Counts no further than the badge shows: the layout runs this on every admin page, and a full count walks
        // every waiting request (16,000 left by the benchmark's public-form flood: half a millisecond on each page).
        var waiting = await db.PresentationRequests.Where(p => p.Status == PresentationStatus.Requested)
            .OrderBy(p => p.CreatedAtUtc).Take(Shown + 1).CountAsync(); // the (Status, CreatedAtUtc) index's order
        return new HtmlContentViewComponentResult(waiting == 0
            ? HtmlString.Empty
            : new HtmlString(waiting > Shown
                ? $"<span class=\"badge text-bg-warning\" data-testid=\"requested-count\" title=\"More than {Shown} requests waiting for an answer\">{Shown}+</span>"
                : $"<span class=\"badge text-bg-warning\" data-testid=\"requested-count\" title=\"Requests waiting for an answer\">{waiting}</span>"));
    }
}
