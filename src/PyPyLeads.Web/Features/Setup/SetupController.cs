using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Setup;

/// <summary>First run: with no users yet, creates the first admin. There is no default password anywhere.</summary>
[AllowAnonymous]
[Route("setup")]
public sealed class SetupController(
    LeadsDbContext db,
    UserManager<AppUser> users,
    SignInManager<AppUser> signIn,
    TimeProvider clock,
    ILogger<SetupController> logger) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        await IsSetUp(cancellationToken) ? Refuse() : View(new SetupForm());

    [EnableRateLimiting(RateLimits.SignIn)]
    [HttpPost("")]
    public async Task<IActionResult> Index(SetupForm form, CancellationToken cancellationToken)
    {
        if (await IsSetUp(cancellationToken))
        {
            return Refuse();
        }
        if (!ModelState.IsValid)
        {
            return View(form);
        }

        var admin = new AppUser
        {
            UserName = form.Email, Email = form.Email, EmailConfirmed = true, DisplayName = form.DisplayName!.Trim(),
            TimeZoneId = form.TimeZoneId!, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // The fixed-key row goes in first: a racing second set-up fails here, in the database.
            db.Installations.Add(new Installation { SetUpAtUtc = admin.CreatedAtUtc, SetUpByUserId = admin.Id });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Refuse();
        }
        var created = await users.CreateAsync(admin, form.Password!);
        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError(error.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(form.Password) : nameof(form.Email), error.Description);
            }
            return View(form);
        }
        await users.AddToRoleAsync(admin, Roles.Admin);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("First-run set-up created admin {Email} from {ClientAddress}", admin.Email, ClientAddress.Of(HttpContext));
        await signIn.SignInAsync(admin, isPersistent: false);
        return Redirect("/");
    }

    private Task<bool> IsSetUp(CancellationToken cancellationToken) => db.Installations.AnyAsync(cancellationToken);

    private IActionResult Refuse()
    {
        TempData.Done("PyPyLeads is already set up. Sign in, or ask an admin for an invitation.");
        return Redirect("/account/signin");
    }
}
