using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>
/// The follow-up fields for any form: <c>@await Component.InvokeAsync("FollowUpFields", new { values = Model.FollowUp,
/// prefix = "FollowUp", optional = true })</c>. With <c>optional</c>, a "schedule a follow-up" box comes first.
/// </summary>
public sealed class FollowUpFieldsViewComponent(LeadsDbContext db, FollowUpDeadlines deadlines) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(FollowUpFields values, string prefix = "FollowUp", bool optional = false)
    {
        // Disabled users cannot be given a follow-up (FollowUpRules.FollowUpOwner), but one already theirs still shows them.
        var owners = await db.Users.AsNoTracking().Where(u => u.DisabledAtUtc == null || u.Id == values.OwnerUserId).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync();
        return View("~/Features/FollowUps/_FollowUpFields.cshtml",
            new FollowUpFieldsView(values, prefix, optional, owners.Select(o => (o.Id, o.DisplayName)).ToList(), DeadlineDates.From(deadlines)));
    }
}

public sealed record FollowUpsPanel(
    int CompanyId,
    string? SubjectType,
    int? SubjectId,
    bool Escalated,
    IReadOnlyList<FollowUpsPanel.Item> Open,
    DeadlineDates Dates,
    bool ShowAddLink)
{
    public sealed record Item(int Id, string Due, string OwnerName, string? Note, FollowUpState State, bool AfterLastSafe, bool AfterEnd);
}

/// <summary>
/// A company's (or one deal's, meeting's, request's) follow-ups, its last safe follow-up day and the escalation when it
/// is in an open deal with none before that day. For the company page:
/// <c>@await Component.InvokeAsync("FollowUpsPanel", new { companyId = Model.Id })</c>; for a deal:
/// <c>new { companyId = deal.CompanyId, subjectType = "Deal", subjectId = deal.Id }</c>.
/// </summary>
public sealed class FollowUpsPanelViewComponent(LeadsDbContext db, FollowUpDeadlines deadlines, IOpenDeals openDeals) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(int companyId, string? subjectType = null, int? subjectId = null, bool showAddLink = true)
    {
        var me = UserClaimsPrincipal.FindFirstValue(ClaimTypes.NameIdentifier);
        var zone = await db.Users.Where(u => u.Id == me).Select(u => u.TimeZoneId).FirstOrDefaultAsync() ?? "UTC";
        var query = db.FollowUps.AsNoTracking().Open().Where(f => f.CompanyId == companyId);
        if (subjectType is not null)
        {
            query = query.Where(f => f.SubjectType == subjectType && f.SubjectId == subjectId);
        }
        var open = await (from f in query
                          join u in db.Users on f.OwnerUserId equals u.Id
                          orderby f.DueAtUtc
                          select new { f.Id, f.DueAtUtc, u.DisplayName, f.Note, f.State }).Take(50).ToListAsync();
        var escalated = await deadlines.IsEscalatedAsync(db, openDeals, companyId, HttpContext.RequestAborted);
        return View("~/Features/FollowUps/_FollowUpsPanel.cshtml", new FollowUpsPanel(
            companyId, subjectType, subjectId, escalated,
            open.Select(f => new FollowUpsPanel.Item(f.Id, ReminderMail.FormatTime(f.DueAtUtc, zone), f.DisplayName, f.Note, f.State,
                deadlines.IsAfterLastSafe(f.DueAtUtc), deadlines.IsAfterEnd(f.DueAtUtc))).ToList(),
            DeadlineDates.From(deadlines), showAddLink));
    }
}
