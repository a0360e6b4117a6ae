using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Settings;

/// <summary>The signed-in user's own settings: the time zone in which their pages and reminder e-mails show times.</summary>
[Route("settings")]
public sealed class SettingsController(LeadsDbContext db) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var me = User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == me, cancellationToken);
        return View(new SettingsForm { TimeZoneId = user.TimeZoneId });
    }

    [HttpPost("")]
    public async Task<IActionResult> Index(SettingsForm form, [FromServices] ChangeTimeZone changeTimeZone, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await changeTimeZone.RunAsync(new ChangeTimeZone.Input(form.TimeZoneId), caller, cancellationToken);
        switch (outcome)
        {
            case Done<ChangeTimeZone.Changed> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Index));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(form);
            default:
                return this.Refused(outcome);
        }
    }
}

/// <summary>The settings form's fields; the rules are <see cref="ChangeTimeZone.Validator"/>'s.</summary>
public sealed class SettingsForm
{
    public string? TimeZoneId { get; set; }
}
