using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Account;
using PyPyLeads.Web.Features.Home;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Setup;

/// <summary>First run: with no users yet, whoever has the set-up code (<see cref="SetupCodeAtStart"/>) creates the first admin and is signed in.</summary>
[AllowAnonymous]
[Route("setup")]
public sealed class SetupController(
    SetUpFirstAdmin setUp,
    IValidator<SetUpFirstAdmin.Input> rules,
    UserManager<AppUser> users,
    SignInManager<AppUser> signIn,
    DataFolder data,
    ILogger<SetupController> logger) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        await setUp.IsSetUpAsync(cancellationToken) ? Refuse() : View(new SetupForm());

    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("")]
    public async Task<IActionResult> Index(SetupForm form, CancellationToken cancellationToken)
    {
        var input = new SetUpFirstAdmin.Input(form.DisplayName, form.Email, form.TimeZoneId, form.Password) { SetupCode = form.SetupCode };
        if (!ModelState.IsValid)
        {
            // The form itself is wrong (the passwords differ): show the set-up's own rules beside it, and act on nothing.
            if (await setUp.IsSetUpAsync(cancellationToken))
            {
                return Refuse();
            }
            if (await rules.CheckAsync(input, cancellationToken) is { } alsoInvalid)
            {
                ModelState.AddErrors(alsoInvalid);
            }
            return View(form);
        }
        switch (await setUp.RunAsync(input, cancellationToken))
        {
            case Done<SetUpFirstAdmin.Admin> done:
                logger.LogInformation("First-run set-up created admin {Email} from {ClientAddress}", done.Value.Email, ClientAddress.Of(HttpContext));
                SetupCodeAtStart.Forget(data);
                await signIn.SignInAsync((await users.FindByIdAsync(done.Value.UserId))!, isPersistent: false);
                return RedirectToAction(nameof(HomeController.Index), "Home");
            case Invalid invalid:
                if (invalid.Errors.Any(e => e.Field == nameof(SetUpFirstAdmin.Input.SetupCode) && e.Message == SetUpFirstAdmin.WrongCode))
                {
                    logger.LogWarning("Set-up refused from {ClientAddress}: wrong set-up code", ClientAddress.Of(HttpContext));
                }
                ModelState.AddErrors(invalid);
                return View(form);
            default:
                return Refuse();
        }
    }

    private IActionResult Refuse()
    {
        TempData.Done(SetUpFirstAdmin.AlreadySetUp);
        return RedirectToAction(nameof(AccountController.SignIn), "Account");
    }
}
