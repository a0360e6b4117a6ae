using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Account;
using PyPyLeads.Web.Features.Home;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.TwoFactor;

/// <summary>
/// Two-factor sign-in: the second step after the password, and each user's own authenticator app and recovery codes
/// (reached from Settings, or forced by <see cref="TwoFactorSetup.UseTwoFactorEnrolment"/>).
/// </summary>
[Route("account/two-factor")]
public sealed class TwoFactorController(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    LeadsDbContext db,
    TwoFactorPolicy policy,
    StartAuthenticatorEnrolment startEnrolment,
    ILogger<TwoFactorController> logger) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return NotFound();
        }
        return View(new TwoFactorPage(await users.GetTwoFactorEnabledAsync(user), await users.CountRecoveryCodesAsync(user), policy.Requires(User.IsInRole(Roles.Admin))));
    }

    [BeforeTwoFactor]
    [HttpGet("enrol")]
    public async Task<IActionResult> Enrol(CancellationToken cancellationToken) => await EnrolPageAsync(new EnrolForm(), cancellationToken);

    [BeforeTwoFactor]
    [HttpPost("enrol")]
    public async Task<IActionResult> Enrol(EnrolForm form, [FromServices] EnableTwoFactor enable, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() => enable.RunAsync(new EnableTwoFactor.Input(form.Code), caller, ClientAddress.Of(HttpContext), cancellationToken));
        switch (outcome)
        {
            case Done<EnableTwoFactor.Enabled> done:
                // This sign-in has now passed a second factor; enabling changed the security stamp, so the cookie is renewed either way.
                await RenewSignInAsync(passedSecondFactor: true);
                return View("RecoveryCodes", new RecoveryCodesPage(done.Value.RecoveryCodes, JustEnabled: true));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return await EnrolPageAsync(form, cancellationToken);
            case NotAllowed refusal:
                TempData.Problem(refusal.Message);
                return RedirectToAction(nameof(Index));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpPost("recovery-codes")]
    public async Task<IActionResult> RecoveryCodes([FromServices] NewRecoveryCodes newCodes, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        switch (await newCodes.RunAsync(caller, ClientAddress.Of(HttpContext), cancellationToken))
        {
            case Done<EnableTwoFactor.Enabled> done:
                await RenewSignInAsync(passedSecondFactor: User.PassedSecondFactor());
                return View("RecoveryCodes", new RecoveryCodesPage(done.Value.RecoveryCodes, JustEnabled: false));
            case NotAllowed refusal:
                TempData.Problem(refusal.Message);
                return RedirectToAction(nameof(Index));
            case var outcome:
                return this.Refused(outcome);
        }
    }

    [HttpGet("disable")]
    public IActionResult Disable() => View(new DisableForm());

    [HttpPost("disable")]
    public async Task<IActionResult> Disable(DisableForm form, [FromServices] DisableTwoFactor disable, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() =>
            disable.RunAsync(new DisableTwoFactor.Input(form.Code, form.Password), caller, ClientAddress.Of(HttpContext), cancellationToken));
        switch (outcome)
        {
            case Done<DisableTwoFactor.Disabled> done:
                await RenewSignInAsync(passedSecondFactor: false);
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Index));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(form);
            case NotAllowed refusal:
                TempData.Problem(refusal.Message);
                return RedirectToAction(nameof(Index));
            default:
                return this.Refused(outcome);
        }
    }

    /// <summary>The second step of signing in, after the right password (AccountController.SignIn).</summary>
    [AllowAnonymous]
    [HttpGet("sign-in")]
    public async Task<IActionResult> SignIn(string? returnUrl, bool rememberMe) =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null
            ? StartAgain()
            : View(new SecondStepForm { ReturnUrl = returnUrl, RememberMe = rememberMe });

    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("sign-in")]
    public async Task<IActionResult> SignIn(SecondStepForm form, [FromServices] PassSecondFactor pass, CancellationToken cancellationToken)
    {
        // Who passed the password: Identity's short-lived cookie for this step, nothing the form says.
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return StartAgain();
        }
        var outcome = await ModelState.RunWhenReadAsync(() => pass.RunAsync(new PassSecondFactor.Input(form.Code), user.Id, ClientAddress.Of(HttpContext), cancellationToken));
        switch (outcome)
        {
            case Done<PassSecondFactor.Passed> done:
                await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
                await signIn.SignInWithClaimsAsync(user, form.RememberMe, [new Claim(TwoFactorSetup.MethodClaim, TwoFactorSetup.SecondFactor)]);
                logger.LogInformation("Signed in {Email} with a second factor from {ClientAddress}", user.Email, ClientAddress.Of(HttpContext));
                if (done.Value.RecoveryCodesLeft is { } left)
                {
                    TempData.Done(left == 0
                        ? "You used your last recovery code: make new ones now (Settings, Two-factor sign-in)."
                        : $"Recovery code used: {left} left.");
                }
                return Url.IsLocalUrl(form.ReturnUrl) ? LocalRedirect(form.ReturnUrl!) : RedirectToAction(nameof(HomeController.Index), "Home");
            case PassSecondFactor.MustWait mustWait:
                return this.MustWait(mustWait.Wait, nameof(form.Code), form);
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(form);
            default:
                return StartAgain();
        }
    }

    private IActionResult StartAgain()
    {
        TempData.Problem("Sign in again: the second step waits five minutes after the password.");
        return RedirectToAction(nameof(AccountController.SignIn), "Account");
    }

    private async Task<IActionResult> EnrolPageAsync(EnrolForm form, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        switch (await startEnrolment.RunAsync(caller, cancellationToken))
        {
            case Done<StartAuthenticatorEnrolment.Enrolment> done:
                if (done.Value.KeyIsNew)
                {
                    await RenewSignInAsync(passedSecondFactor: User.PassedSecondFactor());
                }
                return View("Enrol", new EnrolPage(done.Value.SharedKey, QrCodes.PngDataUri(done.Value.AuthenticatorUri), form, policy.Requires(caller.IsAdmin)));
            case NotAllowed when !User.PassedSecondFactor():
                // Turned on from another session: this one signed in with the password alone, so it signs in again.
                await signIn.SignOutAsync();
                TempData.Done("Two-factor sign-in is on for your account: sign in again with a code from your app.");
                return RedirectToAction(nameof(AccountController.SignIn), "Account");
            case NotAllowed refusal:
                TempData.Problem(refusal.Message);
                return RedirectToAction(nameof(Index));
            case var outcome:
                return this.Refused(outcome);
        }
    }

    /// <summary>
    /// A new cookie for the signed-in user, after a change of their security stamp (which would end this sign-in at the
    /// next check), kept as persistent as it was and marked with the second factor when it has passed one.
    /// </summary>
    private async Task RenewSignInAsync(bool passedSecondFactor)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return;
        }
        var current = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var method = passedSecondFactor ? TwoFactorSetup.SecondFactor : "pwd";
        await signIn.SignInWithClaimsAsync(user, current.Properties?.IsPersistent ?? false, [new Claim(TwoFactorSetup.MethodClaim, method)]);
    }
}
