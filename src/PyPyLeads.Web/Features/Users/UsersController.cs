using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Account;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Users;

/// <summary>Admins invite the team: a user is created without a password and gets a one-time link to choose one.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("users")]
public sealed class UsersController(LeadsDbContext db, TimeProvider clock) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var adminIds = await (from ur in db.UserRoles
                              join r in db.Roles on ur.RoleId equals r.Id
                              where r.Name == Roles.Admin
                              select ur.UserId).ToListAsync(cancellationToken);
        var consultancies = await db.Consultancies.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var rows = (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(cancellationToken))
            .Select(u => new UserRow(u.Id, u.DisplayName, u.Email, adminIds.Contains(u.Id) ? Roles.Admin : Roles.Member,
                u.ConsultancyId is { } c ? consultancies.GetValueOrDefault(c) : null,
                u.PasswordHash is not null, u.LockoutEnd > now, u.MayExportCompanies))
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
