using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Settings;

/// <summary>The signed-in user's own settings: the time zone in which their pages and reminder e-mails show times.</summary>
[Route("settings")]
public sealed class SettingsController(LeadsDbContext db) : Controller
{
    private string Me => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == Me, cancellationToken);
        return View(new SettingsForm { TimeZoneId = user.TimeZoneId });
    }

    [HttpPost("")]
    public async Task<IActionResult> Index(SettingsForm form, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return View(form);
        }
        await db.Users.Where(u => u.Id == Me).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZoneId, form.TimeZoneId!), cancellationToken);
        TempData.Done("Saved: times are now shown in " + form.TimeZoneId + ".");
        return Redirect("/settings");
    }
}

public sealed class SettingsForm
{
    public string? TimeZoneId { get; set; }
}

public sealed class SettingsFormValidator : AbstractValidator<SettingsForm>
{
    public SettingsFormValidator() =>
        RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
}
