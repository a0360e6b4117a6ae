using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.AccessTokens;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Settings;

/// <summary>
/// Settings, API tokens: one's own personal access tokens (make one, shown once; revoke), and for admins every user's.
/// The rules are <see cref="CreateAccessToken"/>'s and <see cref="RevokeAccessToken"/>'s.
/// </summary>
[Route("settings/tokens")]
public sealed class AccessTokensController(LeadsDbContext db, TimeProvider clock) : Controller
{
    // The views live beside the settings page, not in a folder of this controller's name.
    private const string TokensView = "~/Features/Settings/Tokens.cshtml";
    private const string CreatedView = "~/Features/Settings/TokenCreated.cshtml";

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View(TokensView, await PageAsync(new TokenForm(), all: false, cancellationToken));

    [HttpPost("")]
    public async Task<IActionResult> Index(TokenForm form, string? submissionKey, [FromServices] CreateAccessToken create, CancellationToken cancellationToken)
    {
        var outcome = await ModelState.RunWhenReadAsync(async () => await create.RunAsync(new CreateAccessToken.Input(form.Name, form.Scope, form.ExpiresInDays)
            { SubmissionKey = submissionKey }, await User.CallerAsync(db, cancellationToken), cancellationToken));
        switch (outcome)
        {
            case Done<CreateAccessToken.Created> done:
                // Shown here, once, never redirected to: the secret must not travel in a URL or a cookie.
                var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
                return View(CreatedView, new TokenCreatedPage(done.Value, viewer.Time(done.Value.ExpiresAtUtc)));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(TokensView, await PageAsync(form, all: false, cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("all")]
    [Authorize(Policy = Authentication.AdminPolicy)]
    public async Task<IActionResult> All(CancellationToken cancellationToken) =>
        View(TokensView, await PageAsync(new TokenForm(), all: true, cancellationToken));

    [HttpPost("{id:int}/revoke")]
    public async Task<IActionResult> Revoke(int id, bool fromAll, [FromServices] RevokeAccessToken revoke, CancellationToken cancellationToken)
    {
        var outcome = await revoke.RunAsync(new RevokeAccessToken.Input(id), await User.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<RevokeAccessToken.Revoked> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value.Message);
        return fromAll && User.IsInRole(PyPyLeads.Users.Roles.Admin) ? RedirectToAction(nameof(All)) : RedirectToAction(nameof(Index));
    }

    private async Task<TokensPage> PageAsync(TokenForm form, bool all, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var tokens = db.AccessTokens.AsNoTracking();
        if (!all)
        {
            tokens = tokens.Where(t => t.UserId == viewer.UserId);
        }
        var rows = await tokens.OrderByDescending(t => t.CreatedAtUtc).ThenByDescending(t => t.Id)
            .Select(t => new { t.Id, t.Name, t.Scope, t.Prefix, t.CreatedAtUtc, t.ExpiresAtUtc, t.LastUsedAtUtc, t.RevokedAtUtc, Owner = t.User!.DisplayName })
            .ToListAsync(cancellationToken);
        return new TokensPage(form, all, viewer.IsAdmin, rows.Select(t => new TokenRow(t.Id, t.Name, t.Owner, t.Scope == AccessTokenScope.ReadWrite ? "Read and write" : "Read only",
            t.Prefix + "…", viewer.Time(t.CreatedAtUtc), viewer.Time(t.ExpiresAtUtc), t.LastUsedAtUtc is { } used ? viewer.Time(used) : "Never",
            t.RevokedAtUtc is not null ? "Revoked" : t.ExpiresAtUtc <= now ? "Expired" : "Active")).ToList());
    }
}

/// <summary>The new-token form's fields; the rules are <see cref="CreateAccessToken.Validator"/>'s.</summary>
public sealed class TokenForm
{
    public string? Name { get; set; }
    public AccessTokenScope? Scope { get; set; } = AccessTokenScope.ReadOnly;
    public int? ExpiresInDays { get; set; } = 90;

    public static readonly IReadOnlyList<(int Days, string Label)> Expiries = [(7, "In 7 days"), (30, "In 30 days"), (90, "In 90 days"), (366, "In a year")];
}

public sealed record TokenRow(int Id, string Name, string Owner, string Scope, string Prefix, string Created, string Expires, string LastUsed, string State);

public sealed record TokensPage(TokenForm Form, bool All, bool ViewerIsAdmin, IReadOnlyList<TokenRow> Tokens);

public sealed record TokenCreatedPage(CreateAccessToken.Created Token, string Expires);
