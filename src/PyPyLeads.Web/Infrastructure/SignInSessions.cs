using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// The sign-in cookie's side of <see cref="Sessions"/>, as cookie events, so that every way of signing in (the sign-in
/// page, set-up, a second factor) starts a session and every signed-in request checks it: signing in puts a new
/// session's id in the cookie's claims; each request reads that session by its key and is signed out when it has
/// ended (sign-out, password change, "sign out everywhere", user disabled, idle, too old); signing out ends it.
/// </summary>
public static class SignInSessions
{
    public const string ClaimType = "pypyleads:session";

    /// <summary>The session the signed-in request belongs to; null when not signed in.</summary>
    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimType);

    public static async Task SigningIn(CookieSigningInContext context)
    {
        var http = context.HttpContext;
        var identity = context.Principal?.Identity as ClaimsIdentity;
        var userId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (identity is null || userId is null)
        {
            return;
        }
        var address = ClientAddress.Of(http);
        var sessions = http.RequestServices.GetRequiredService<Sessions>();
        if (http.User.SessionId() is { } previous && http.User.FindFirstValue(ClaimTypes.NameIdentifier) == userId)
        {
            // Signed in again from a signed-in request (Identity's refresh after a security change): one browser, one session.
            await sessions.EndAsync(previous, SessionEnd.Replaced, http.RequestAborted);
        }
        var sessionId = await sessions.StartAsync(userId, address, http.Request.Headers.UserAgent.ToString(), http.RequestAborted);
        // A principal signed in again (a refresh) carries its old session's claim: the new session replaces it.
        foreach (var old in identity.FindAll(ClaimType).ToList())
        {
            identity.RemoveClaim(old);
        }
        identity.AddClaim(new Claim(ClaimType, sessionId));
        http.RequestServices.GetRequiredService<SecurityEvents>().Write(SecurityEvent.SignedIn, identity.Name, address);
    }

    /// <summary>True when the request may go on as signed in; otherwise it is signed out (and the page asks to sign in).</summary>
    public static async Task<bool> ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var sessionId = context.Principal?.SessionId();
        var userId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (sessionId is not null && userId is not null)
        {
            // Opened for the whole request, as OneConnectionPerRequest would open it for the action: one open per page, not two
            // (on SQLite an open is dearer than this read). The request's pooled context closes it when it goes back.
            await http.RequestServices.GetRequiredService<LeadsDbContext>().Database.OpenConnectionAsync(http.RequestAborted);
            var check = await http.RequestServices.GetRequiredService<Sessions>().CheckAsync(sessionId, userId, http.RequestAborted);
            if (check.Active)
            {
                return true;
            }
            var events = http.RequestServices.GetRequiredService<SecurityEvents>();
            var user = context.Principal!.Identity?.Name;
            if (check.EndedNow)
            {
                events.Write(SecurityEvent.SessionEnded, user, ClientAddress.Of(http), check.EndedBecause == SessionEnd.Idle ? "idle" : "too old");
            }
            else
            {
                events.Write(SecurityEvent.EndedSessionRefused, user, ClientAddress.Of(http),
                    check.EndedBecause is { } because ? "ended: " + because : "no such session");
            }
        }
        // A cookie without a session (made before sessions existed) is refused too: its browser signs in once more.
        context.RejectPrincipal();
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return false;
    }

    public static async Task SigningOut(CookieSigningOutContext context)
    {
        // The signed-in user of this request; when a rejected cookie is being dropped (above) there is none, and nothing to end.
        var http = context.HttpContext;
        if (http.User.SessionId() is not { } sessionId)
        {
            return;
        }
        await http.RequestServices.GetRequiredService<Sessions>().EndAsync(sessionId, SessionEnd.SignedOut, http.RequestAborted);
        http.RequestServices.GetRequiredService<SecurityEvents>().Write(SecurityEvent.SignedOut, http.User.Identity?.Name, ClientAddress.Of(http));
    }

    /// <summary>Identity's security-stamp check builds a fresh principal; it keeps the session it was checked in.</summary>
    public static Task KeepSession(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.SessionId() is { } sessionId && context.NewPrincipal?.Identity is ClaimsIdentity identity
            && identity.FindFirst(ClaimType) is null)
        {
            identity.AddClaim(new Claim(ClaimType, sessionId));
        }
        return Task.CompletedTask;
    }
}

/// <summary>Identity's sign-in, refusing disabled users (<see cref="AppUser.IsDisabled"/>) and recording failed passwords in the security log.</summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    SecurityEvents events)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>Every sign-in (password, second factor, set-up) asks this first: a disabled user is "not allowed".</summary>
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>
    /// Never: guessing is slowed by SignInThrottle instead, so nobody can lock the owner out. Rows from before then
    /// may still hold LockoutEnabled and a LockoutEnd; they no longer count.
    /// </summary>
    protected override Task<bool> IsLockedOut(AppUser user) => Task.FromResult(false);

    public override async Task<SignInResult> PasswordSignInAsync(AppUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        if (!result.Succeeded && !result.RequiresTwoFactor)
        {
            events.Write(SecurityEvent.SignInFailed, user.Email, ClientAddress.Of(Context),
                result.IsNotAllowed ? "not allowed" : "wrong password");
        }
        return result;
    }
}
