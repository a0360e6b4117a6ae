using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Users;

/// <summary>Admins invite the team: a user is created without a password and gets a one-time link to choose one.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("users")]
public sealed class UsersController(LeadsDbContext db, UserManager<AppUser> users, TimeProvider clock, ILogger<UsersController> logger) : Controller
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
                u.PasswordHash is not null, u.LockoutEnd > now))
            .ToList();
        return View(rows);
    }

    [HttpGet("invite")]
    public async Task<IActionResult> Invite(CancellationToken cancellationToken) =>
        View(await Page(new InviteUserForm(), cancellationToken));

    [HttpPost("invite")]
    public async Task<IActionResult> Invite(InviteUserForm form, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid && form.TeamMemberId is { } teamMemberId && !await db.TeamMembers.AnyAsync(m => m.Id == teamMemberId, cancellationToken))
        {
            ModelState.AddModelError(nameof(form.TeamMemberId), "Choose a team member from the list.");
        }
        if (!ModelState.IsValid)
        {
            return View(await Page(form, cancellationToken));
        }
        var user = new AppUser
        {
            UserName = form.Email, Email = form.Email, DisplayName = form.DisplayName!.Trim(), ConsultancyId = form.ConsultancyId,
            TeamMemberId = form.TeamMemberId, TimeZoneId = form.TimeZoneId!, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError(error.Code.Contains("Email", StringComparison.Ordinal) || error.Code.Contains("UserName", StringComparison.Ordinal)
                    ? nameof(form.Email) : string.Empty,
                    error.Code is "DuplicateEmail" or "DuplicateUserName" ? "There is already a user with this e-mail address." : error.Description);
            }
            return View(await Page(form, cancellationToken));
        }
        await users.AddToRoleAsync(user, form.Role!);
        logger.LogInformation("{Admin} invited {Email} as {Role}", User.Identity?.Name, user.Email, form.Role);
        return View("InvitationLink", await InvitationLink(user));
    }

    /// <summary>A fresh link for someone who lost theirs; any earlier link stops working once a password is set.</summary>
    [HttpPost("{id}/invitation")]
    public async Task<IActionResult> NewInvitation(string id)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return NotFound();
        }
        return View("InvitationLink", await InvitationLink(user));
    }

    private async Task<InvitationLinkPage> InvitationLink(AppUser user)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{Request.Scheme}://{Request.Host}/account/invitation?user={Uri.EscapeDataString(user.Id)}&token={Uri.EscapeDataString(token)}";
        return new InvitationLinkPage(user.DisplayName, user.Email!, link);
    }

    private async Task<InviteUserPage> Page(InviteUserForm form, CancellationToken cancellationToken)
    {
        var consultancies = await db.Consultancies.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new SelectListItem(c.Name, c.Id.ToString())).ToListAsync(cancellationToken);
        var members = await db.TeamMembers.AsNoTracking().OrderBy(m => m.Id)
            .Select(m => new SelectListItem(m.Name, m.Id.ToString())).ToListAsync(cancellationToken);
        return new InviteUserPage(form, consultancies, members);
    }
}
