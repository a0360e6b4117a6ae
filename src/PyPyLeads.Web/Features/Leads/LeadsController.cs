using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Leads;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Deals;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Leads;

/// <summary>
/// Which consultancy takes a lead. Everyone sees the unassigned inbox and a lead's assignment history; only
/// admins (the coordinators) assign or reassign, always with a reason that goes on the company's timeline.
/// </summary>
[Route("leads")]
public sealed class LeadsController(LeadsDbContext db) : Controller
{
    private const int PageSize = 50;

    [HttpGet("unassigned")]
    public async Task<IActionResult> Unassigned(int page = 1, CancellationToken cancellationToken = default)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var query = db.Companies.AsNoTracking().Where(c => c.ConsultancyId == null && c.DeletedAtUtc == null);
        var total = await query.CountAsync(cancellationToken);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pageCount);
        // Oldest first: the inbox is worked from the lead that has waited longest.
        var rows = await query.OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(c => new { c.Id, c.Name, c.City, c.Country, c.Source, c.CreatedAtUtc })
            .ToListAsync(cancellationToken);
        return View(new UnassignedPage(
            rows.Select(c => new UnassignedRow(c.Id, c.Name, string.Join(", ", new[] { c.City, c.Country }.Where(p => !string.IsNullOrWhiteSpace(p))) is { Length: > 0 } place ? place : null,
                c.Source.ToString(), viewer.Time(c.CreatedAtUtc))).ToList(),
            total, page, pageCount, viewer.IsAdmin));
    }

    [HttpGet("{companyId:int}/assign")]
    public async Task<IActionResult> Assign(int companyId, string? returnUrl, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == companyId && c.DeletedAtUtc == null, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var form = new AssignLeadForm { ConsultancyId = company.ConsultancyId, Version = company.Version, ReturnUrl = returnUrl };
        return View(await Page(company, form, viewer, conflict: null, cancellationToken));
    }

    [Authorize(Policy = Authentication.AdminPolicy)]
    [HttpPost("{companyId:int}/assign")]
    public async Task<IActionResult> Assign(int companyId, AssignLeadForm form, [FromServices] AssignLead assignLead, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() => assignLead.RunAsync(new AssignLead.Input(companyId, form.ConsultancyId, form.Reason, form.Version), caller, cancellationToken));
        switch (outcome)
        {
            case Done<AssignLead.Assigned> done:
                TempData.Done(done.Value.Message);
                return Url.IsLocalUrl(form.ReturnUrl) ? LocalRedirect(form.ReturnUrl!) : RedirectToAction(nameof(Assign), new { companyId });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return await FormAsync(companyId, form, conflict: null, cancellationToken);
            case Conflict<AssignLead.Current> conflict:
                // Nothing saved: the form again on the current version, with what changed.
                ModelState.Clear();
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await FormAsync(companyId, new AssignLeadForm { ConsultancyId = form.ConsultancyId, Reason = form.Reason, Version = conflict.Current.Version, ReturnUrl = form.ReturnUrl },
                    conflict.Message, cancellationToken);
            default:
                return this.Refused(outcome);
        }
    }

    private async Task<IActionResult> FormAsync(int companyId, AssignLeadForm form, string? conflict, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == companyId && c.DeletedAtUtc == null, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        return View(nameof(Assign), await Page(company, form, viewer, conflict, cancellationToken));
    }

    private async Task<AssignPage> Page(Company company, AssignLeadForm form, Viewer viewer, string? conflict, CancellationToken cancellationToken)
    {
        var history = await db.Timeline.AsNoTracking()
            .Where(t => t.CompanyId == company.Id && t.Kind == DealTimeline.Assigned)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Take(50)
            .Select(t => new { t.AtUtc, t.ActorName, t.Summary, t.Details }).ToListAsync(cancellationToken);
        var deals = await db.Deals.AsNoTracking().OpenOnly().Where(d => d.CompanyId == company.Id).OrderBy(d => d.Id).Take(50)
            .Select(d => new { d.Id, d.Kind, d.Title, d.ConsultancyId }).ToListAsync(cancellationToken);
        return new AssignPage(company.Id, company.Name, company.ConsultancyId, company.Version, form, viewer.IsAdmin,
            history.Select(h => new AssignmentLine(viewer.Time(h.AtUtc), h.ActorName ?? "someone", h.Summary, h.Details)).ToList(),
            deals.Select(d => new OtherDeal(d.Id, $"#{d.Id} {d.Kind}" + (d.Title is null ? "" : $": {d.Title}"), Show.Consultancy(d.ConsultancyId))).ToList(),
            conflict);
    }
}
