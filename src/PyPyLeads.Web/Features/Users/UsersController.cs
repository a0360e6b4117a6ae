using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Account;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Users;

/// <summary>Admins invite the team: a user is created without a password and gets a one-time link to choose one.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("users")]
public sealed class UsersController(LeadsDbContext db) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var me = User.FindFirstValue(ClaimTypes.NameIdentifier);
        var adminIds = await (from ur in db.UserRoles
                              join r in db.Roles on ur.RoleId equals r.Id
                              where r.Name == Roles.Admin
                              select ur.UserId).ToListAsync(cancellationToken);
        var consultancies = await db.Consultancies.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var rows = (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(cancellationToken))
            .Select(u => new UserRow(u.Id, u.DisplayName, u.Email, adminIds.Contains(u.Id) ? Roles.Admin : Roles.Member,
                u.ConsultancyId is { } c ? consultancies.GetValueOrDefault(c) : null,
                u.PasswordHash is not null, u.MayExportCompanies, u.DisabledAtUtc is not null, u.Id == me))
            .ToList();
        return View(rows);
    }

    [HttpGet("invite")]
    public async Task<IActionResult> Invite(CancellationToken cancellationToken) =>
        View(await Page(new InviteUserForm(), cancellationToken));

    [HttpPost("invite")]
    public async Task<IActionResult> Invite(InviteUserForm form, string? submissionKey, [FromServices] InviteUser inviteUser, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await inviteUser.RunAsync(new InviteUser.Input(form.DisplayName, form.Email, form.Role, form.ConsultancyId, form.TeamMemberId, form.TimeZoneId)
            { SubmissionKey = submissionKey },
            caller, cancellationToken);
        switch (outcome)
        {
            case Done<InviteUser.Invitation> done:
                return View("InvitationLink", InvitationLink(done.Value));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(await Page(form, cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    /// <summary>A fresh link for someone who lost theirs.</summary>
    [HttpPost("{id}/invitation")]
    public async Task<IActionResult> NewInvitation(string id, [FromServices] ReissueInvitation reissueInvitation, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await reissueInvitation.RunAsync(new ReissueInvitation.Input(id), caller, cancellationToken);
        return outcome is Done<InviteUser.Invitation> done ? View("InvitationLink", InvitationLink(done.Value)) : this.Refused(outcome);
    }

    /// <summary>Lets a member export companies, or takes it back (<see cref="GrantExportRight"/>).</summary>
    [HttpPost("{id}/export-right")]
    public async Task<IActionResult> ExportRight(string id, bool mayExport, [FromServices] GrantExportRight grantExportRight, CancellationToken cancellationToken)
    {
        var outcome = await grantExportRight.RunAsync(new GrantExportRight.Input(id, mayExport), await User.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<GrantExportRight.Granted> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value.Message);
        return RedirectToAction(nameof(Index));
    }

    /// <summary>Someone who left: signed out everywhere and kept out (<see cref="DisableUser"/>); then their open follow-ups, to hand over.</summary>
    [HttpPost("{id}/disable")]
    public async Task<IActionResult> Disable(string id, [FromServices] DisableUser disableUser, CancellationToken cancellationToken)
    {
        var outcome = await disableUser.RunAsync(new DisableUser.Input(id), await HttpContext.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<DisableUser.Disabled> done:
                TempData.Done(done.Value.Message);
                return done.Value.OpenFollowUps > 0 ? RedirectToAction(nameof(FollowUps), new { id }) : RedirectToAction(nameof(Index));
            case NotAllowed refused when User.IsInRole(Roles.Admin):
                // An admin's own mistake (themselves, the last admin): said on the page, not as a bare 403.
                TempData.Problem(refused.Message);
                return RedirectToAction(nameof(Index));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpPost("{id}/enable")]
    public async Task<IActionResult> Enable(string id, [FromServices] EnableUser enableUser, CancellationToken cancellationToken)
    {
        var outcome = await enableUser.RunAsync(new EnableUser.Input(id), await HttpContext.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<EnableUser.Enabled> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value.Message);
        return RedirectToAction(nameof(Index));
    }

    /// <summary>A user's open follow-ups, each with whom to hand it to (active users only).</summary>
    [HttpGet("{id}/followups")]
    public async Task<IActionResult> FollowUps(string id, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.DisplayName, u.DisabledAtUtc }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return NotFound();
        }
        var viewer = await User.CallerAsync(db, cancellationToken);
        var zone = Zones.Exists(viewer.TimeZoneId) ? viewer.TimeZoneId : "UTC";
        var open = await (from f in db.FollowUps.Open()
                          join c in db.Companies on f.CompanyId equals c.Id
                          where f.OwnerUserId == id
                          orderby f.DueAtUtc
                          select new { f.Id, f.Version, f.DueAtUtc, f.Note, Company = c.Name }).ToListAsync(cancellationToken);
        var owners = await db.Users.AsNoTracking().Where(u => u.DisabledAtUtc == null && u.Id != id).OrderBy(u => u.DisplayName)
            .Select(u => new SelectListItem(u.DisplayName, u.Id)).ToListAsync(cancellationToken);
        return View(new HandOverPage(id, user.DisplayName, user.DisabledAtUtc is not null,
            open.Select(f => new HandOverRow(f.Id, f.Version, f.Company,
                Zones.ToLocal(f.DueAtUtc, zone).ToString("ddd d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + Zones.Label(f.DueAtUtc, zone),
                f.Note)).ToList(),
            owners));
    }

    [HttpPost("{id}/followups/{followUpId:int}")]
    public async Task<IActionResult> HandOver(string id, int followUpId, long? version, string? ownerUserId, [FromServices] ReassignFollowUp reassign,
        CancellationToken cancellationToken)
    {
        if (version is not { } seen)
        {
            return BadRequest();
        }
        var outcome = await reassign.RunAsync(new ReassignFollowUp.Input(followUpId, seen, ownerUserId), await HttpContext.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<EditFollowUp.Saved>:
                TempData.Done("Follow-up handed over.");
                break;
            case Invalid invalid:
                TempData.Problem(string.Join(" ", invalid.Errors.Select(e => e.Message)));
                break;
            case Conflict<FollowUpChanges.Current> conflict:
                TempData.Problem(conflict.Message);
                break;
            default:
                return this.Refused(outcome);
        }
        return RedirectToAction(nameof(FollowUps), new { id });
    }

    private InvitationLinkPage InvitationLink(InviteUser.Invitation invitation) => new(invitation.DisplayName, invitation.Email,
        Url.Public(Url.Action(nameof(AccountController.Invitation), "Account", new { user = invitation.UserId, token = invitation.Token })));

    private async Task<InviteUserPage> Page(InviteUserForm form, CancellationToken cancellationToken)
    {
        var consultancies = await db.Consultancies.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new SelectListItem(c.Name, c.Id.ToString())).ToListAsync(cancellationToken);
        var members = await db.TeamMembers.AsNoTracking().OrderBy(m => m.Id)
            .Select(m => new SelectListItem(m.Name, m.Id.ToString())).ToListAsync(cancellationToken);
        return new InviteUserPage(form, consultancies, members);
    }
}
