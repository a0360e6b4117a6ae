using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Account;

[Route("account")]
public sealed class AccountController(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    LeadsDbContext db,
    ILogger<AccountController> logger) : Controller
{
    [AllowAnonymous]
    [HttpGet("signin")]
    public async Task<IActionResult> SignIn(string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await db.Installations.AnyAsync(cancellationToken))
        {
            return Redirect("/setup");
        }
        return View(new SignInForm { ReturnUrl = returnUrl });
    }

    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("signin")]
    public async Task<IActionResult> SignIn(SignInForm form)
    {
        if (!ModelState.IsValid)
        {
            return View(form);
        }
        var client = ClientAddress.Of(HttpContext);
        var user = await users.FindByEmailAsync(form.Email!);
        if (user is null)
        {
            logger.LogWarning("Sign-in failed for unknown {Email} from {ClientAddress}", form.Email, client);
            ModelState.AddModelError(nameof(form.Password), "The e-mail address or the password is wrong.");
            return View(form);
        }
        var result = await signIn.PasswordSignInAsync(user, form.Password!, form.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("Signed in {Email} from {ClientAddress}", user.Email, client);
            return LocalRedirect(Url.IsLocalUrl(form.ReturnUrl) ? form.ReturnUrl! : "/");
        }
        if (result.IsLockedOut)
        {
            logger.LogWarning("Locked out {Email} from {ClientAddress}", user.Email, client);
            ModelState.AddModelError(nameof(form.Password), "Too many failed attempts: this account is locked for a while. Try again later or ask an admin.");
            return View(form);
        }
        logger.LogWarning("Sign-in failed for {Email} from {ClientAddress}", user.Email, client);
        ModelState.AddModelError(nameof(form.Password), "The e-mail address or the password is wrong.");
        return View(form);
    }

    [HttpPost("signout")]
    public new async Task<IActionResult> SignOut()
    {
        logger.LogInformation("Signed out {Email} from {ClientAddress}", User.Identity?.Name, ClientAddress.Of(HttpContext));
        await signIn.SignOutAsync();
        return Redirect("/account/signin");
    }

    [AllowAnonymous]
    [HttpGet("invitation")]
    public IActionResult Invitation(string? user, string? token) =>
        View(new InvitationForm { UserId = user, Token = token });

    [AllowAnonymous]
    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("invitation")]
    public async Task<IActionResult> Invitation(InvitationForm form)
    {
        if (!ModelState.IsValid)
        {
            return View(form);
        }
        var user = await users.FindByIdAsync(form.UserId!);
        var result = user is null
            ? IdentityResult.Failed(new IdentityError { Description = "This invitation link is not valid." })
            : await users.ResetPasswordAsync(user, form.Token!, form.Password!);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var message = error.Code == "InvalidToken" ? "This invitation link is not valid or has expired; ask an admin for a new one." : error.Description;
                ModelState.AddModelError(error.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(form.Password) : string.Empty, message);
            }
            return View(form);
        }
        user!.EmailConfirmed = true;
        await users.UpdateAsync(user);
        logger.LogInformation("Invitation accepted by {Email} from {ClientAddress}", user.Email, ClientAddress.Of(HttpContext));
        TempData.Done("Your password is set. Sign in with it.");
        return Redirect("/account/signin");
    }
}
