using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Home;
using PyPyLeads.Web.Features.Setup;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Account;

[Route("account")]
public sealed class AccountController(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    LeadsDbContext db,
    AcceptInvitation acceptInvitation,
    SignInThrottle throttle,
    DecoyPassword decoy,
    IValidator<AcceptInvitation.Input> invitationRules,
    ILogger<AccountController> logger) : Controller
{
    [AllowAnonymous]
    [HttpGet("signin")]
    public async Task<IActionResult> SignIn(string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await db.Installations.AnyAsync(cancellationToken))
        {
            return RedirectToAction(nameof(SetupController.Index), "Setup");
        }
        return View(new SignInForm { ReturnUrl = returnUrl });
    }

    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("signin")]
    public async Task<IActionResult> SignIn(SignInForm form, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return View(form);
        }
        var client = ClientAddress.Of(HttpContext);
        // Guesses are slowed per address and per account (SignInThrottle); the answers are the same, after the same
        // work, whether the account exists or not (DecoyPassword).
        if (await throttle.WaitAsync(form.Email!, client, cancellationToken) is { } wait)
        {
            return this.MustWait(wait, nameof(form.Password), form);
        }
        var user = await users.FindByEmailAsync(form.Email!);
        var result = Microsoft.AspNetCore.Identity.SignInResult.Failed;
        if (user is { PasswordHash: not null })
        {
            result = await signIn.PasswordSignInAsync(user, form.Password!, form.RememberMe, lockoutOnFailure: false);
        }
        else
        {
            decoy.Check(users.PasswordHasher, form.Password!);
        }
        if (result.Succeeded)
        {
            await throttle.SucceededAsync(form.Email!, client, CancellationToken.None);
            logger.LogInformation("Signed in {Email} from {ClientAddress}", user!.Email, client);
            return Url.IsLocalUrl(form.ReturnUrl) ? LocalRedirect(form.ReturnUrl!) : RedirectToAction(nameof(HomeController.Index), "Home");
        }
        if (result.RequiresTwoFactor)
        {
            // The password was right: not a failure to count; the second step has its own limits.
            return RedirectToAction(nameof(TwoFactor.TwoFactorController.SignIn), "TwoFactor", new { form.ReturnUrl, form.RememberMe });
        }
        // Counted even if the client has gone: dropping the connection must not make a guess free.
        await throttle.FailedAsync(form.Email!, client, CancellationToken.None);
        if (user is null)
        {
            logger.LogWarning("Sign-in failed for unknown {Email} from {ClientAddress}", form.Email, client);
        }
        else
        {
            logger.LogWarning("Sign-in failed for {Email} from {ClientAddress}", user.Email, client);
        }
        ModelState.AddModelError(nameof(form.Password), "The e-mail address or the password is wrong.");
        return View(form);
    }

    [HttpPost("signout")]
    public new async Task<IActionResult> SignOut()
    {
        logger.LogInformation("Signed out {Email} from {ClientAddress}", User.Identity?.Name, ClientAddress.Of(HttpContext));
        await signIn.SignOutAsync();
        return RedirectToAction(nameof(SignIn));
    }

    [AllowAnonymous]
    [HttpGet("invitation")]
    public IActionResult Invitation(string? user, string? token) =>
        View(new InvitationForm { UserId = user, Token = token });

    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("invitation")]
    public async Task<IActionResult> Invitation(InvitationForm form, CancellationToken cancellationToken)
    {
        var input = new AcceptInvitation.Input(form.UserId, form.Token, form.Password);
        if (!ModelState.IsValid)
        {
            // The form itself is wrong (the passwords differ): show the invitation's own rules beside it, and act on nothing.
            if (await invitationRules.CheckAsync(input, cancellationToken) is { } alsoInvalid)
            {
                ModelState.AddErrors(alsoInvalid);
            }
            return View(form);
        }
        var outcome = await acceptInvitation.RunAsync(input, cancellationToken);
        switch (outcome)
        {
            case Done<AcceptInvitation.Accepted> done:
                logger.LogInformation("Invitation accepted by {Email} from {ClientAddress}", done.Value.Email, ClientAddress.Of(HttpContext));
                TempData.Done("Your password is set. Sign in with it.");
                return RedirectToAction(nameof(SignIn));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(form);
            default:
                return this.Refused(outcome);
        }
    }
}
