using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>Tells the coordinators (admins), in the navigation, how many presentation requests wait for an answer.</summary>
public sealed class RequestedPresentationsViewComponent(LeadsDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!UserClaimsPrincipal.IsInRole(Roles.Admin))
        {
            return new HtmlContentViewComponentResult(HtmlString.Empty);
        }
        var waiting = await WaitingRequests.CountAsync(db, HttpContext.RequestAborted);
        return new HtmlContentViewComponentResult(waiting == 0
            ? HtmlString.Empty
            : new HtmlString(waiting > WaitingRequests.Counted
                ? $"<span class=\"badge text-bg-warning\" data-testid=\"requested-count\" title=\"More than {WaitingRequests.Counted} requests waiting for an answer\">{WaitingRequests.Show(waiting)}</span>"
                : $"<span class=\"badge text-bg-warning\" data-testid=\"requested-count\" title=\"Requests waiting for an answer\">{waiting}</span>"));
    }
}
