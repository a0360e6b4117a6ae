using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Security;

/// <summary>The signed-in user's own password and sessions: change the password, see where they are signed in, end any of it.</summary>
[Route("settings")]
public sealed class SecurityController(LeadsDbContext db) : Controller
{
    [HttpGet("password")]
    public IActionResult Password() => View(new ChangePasswordForm());

    // Limited as sign-in is: the current password is asked, so the form must not be a way to guess it.
    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("password")]
    public async Task<IActionResult> Password(ChangePasswordForm form, [FromServices] ChangePassword changePassword,
        [FromServices] IValidator<ChangePassword.Input> rules, [FromServices] SignInManager<AppUser> signIn, CancellationToken cancellationToken)
    {
        var input = new ChangePassword.Input(form.CurrentPassword, form.NewPassword);
        if (!ModelState.IsValid)
        {
            // The form itself is wrong (the new password typed twice differs): show the rules beside it too, change nothing.
            if (await rules.CheckAsync(input, cancellationToken) is { } alsoInvalid)
            {
                ModelState.AddErrors(alsoInvalid);
            }
            return View(new ChangePasswordForm()); // passwords are never sent back to the browser
        }
        var outcome = await changePassword.RunAsync(input, await HttpContext.CallerAsync(db, cancellationToken), User.SessionId(), cancellationToken);
        switch (outcome)
        {
            case Done<ChangePassword.Changed> done:
                // Every session ended with the change, this one too: this browser goes on in a new one.
                var persistent = (await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme)).Properties?.IsPersistent ?? false;
                var user = await signIn.UserManager.GetUserAsync(User);
                if (user is not null)
                {
                    await signIn.SignInAsync(user, persistent);
                }
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Sessions));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(new ChangePasswordForm()); // passwords are never sent back to the browser
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("sessions")]
    public async Task<IActionResult> Sessions([FromServices] PyPyLeads.Users.Sessions sessions, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var zone = Zones.Exists(caller.TimeZoneId) ? caller.TimeZoneId : "UTC";
        var current = User.SessionId();
        var rows = (await sessions.ActiveAsync(caller.UserId, cancellationToken))
            .Select(s => new SessionRow(s.Id, s.Device ?? "Unknown device", s.ClientAddress ?? "unknown",
                Shown(s.CreatedAtUtc, zone), Shown(s.LastSeenAtUtc, zone), s.Id == current))
            .OrderByDescending(r => r.IsCurrent).ToList();
        return View(new SessionsPage(rows));
    }

    [HttpPost("sessions/{id}/end")]
    public async Task<IActionResult> EndSession(string id, [FromServices] EndSession endSession, CancellationToken cancellationToken)
    {
        if (id == User.SessionId())
        {
            // Ending the session in use is signing out, which the sign-out button does (and which clears this browser's cookie).
            TempData.Problem("This is the session you are using: to end it, sign out.");
            return RedirectToAction(nameof(Sessions));
        }
        var outcome = await endSession.RunAsync(new(id), await HttpContext.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<EndSession.Ended> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value.Message);
        return RedirectToAction(nameof(Sessions));
    }

    [HttpPost("sessions/end-others")]
    public async Task<IActionResult> EndOthers([FromServices] EndOtherSessions endOthers, CancellationToken cancellationToken)
    {
        var outcome = await endOthers.RunAsync(new(User.SessionId()), await HttpContext.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<EndOtherSessions.Ended> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value.Message);
        return RedirectToAction(nameof(Sessions));
    }

    /// <summary>Real time in the user's zone ("Mon 7 Dec 2026, 12:05 CET"): sessions run on real time, not the tour clock.</summary>
    private static string Shown(DateTime utc, string zone) =>
        Zones.ToLocal(utc, zone).ToString("ddd d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + Zones.Label(utc, zone);
}

/// <summary>The change-password form's fields; the rules are <see cref="ChangePassword.Validator"/>'s.</summary>
public sealed class ChangePasswordForm
{
    public string? CurrentPassword { get; set; }
    public string? NewPassword { get; set; }
    public string? ConfirmPassword { get; set; }
}

/// <summary>Only what is about the form: the new password typed twice.</summary>
public sealed class ChangePasswordFormValidator : AbstractValidator<ChangePasswordForm>
{
    public ChangePasswordFormValidator() =>
        RuleFor(x => x.ConfirmPassword).Equal(x => x.NewPassword).WithMessage("The two new passwords differ.");
}

public sealed record SessionRow(string Id, string Device, string ClientAddress, string SignedIn, string LastSeen, bool IsCurrent);

public sealed record SessionsPage(IReadOnlyList<SessionRow> Sessions);
