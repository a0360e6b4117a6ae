using System.Globalization;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PyPyLeads.Time;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Backups;

/// <summary>Admins see the backups, take one now and download one; the full export is linked from here.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("backups")]
public sealed class BackupsController(IServiceProvider services, IOptions<BackupOptions> backupOptions, JobStorage jobStorage, UserManager<AppUser> users,
    ILogger<BackupsController> logger) : Controller
{
    private BackupOptions Configured => backupOptions.Value;

    // Registered on SQLite only: on SQL Server backups are the database administrator's job.
    private SqliteBackups? Backups => services.GetService<SqliteBackups>();

    [HttpGet("")]
    public async Task<IActionResult> Index()
    {
        var zone = (await users.GetUserAsync(User))?.TimeZoneId ?? Configured.TimeZone;
        var backups = Backups;
        if (backups is null)
        {
            return View(new BackupsPage(OnSqlite: false, Configured.Schedule, Configured.TimeZone, NextRun: null, Configured.Keep, Folder: "", [], Refused: null));
        }
        var rows = backups.List().Select(b => new BackupRow(
            b.Name, When(b.TakenAtUtc, zone), Size(b.SizeBytes), b.Passed, b.Check,
            b.Trigger == "scheduled" ? "scheduled" : b.TakenBy is null ? b.Trigger : $"by {b.TakenBy}")).ToList();
        var refused = backups.LastRefusal() is { } refusal ? $"The backup asked for at {When(refusal.AtUtc, zone)} was not started. {refusal.Reason}" : null;
        return View(new BackupsPage(OnSqlite: true, Configured.Schedule, Configured.TimeZone, NextRun(zone), backups.Keep, backups.Folder, rows, refused));
    }

    [HttpPost("now")]
    public async Task<IActionResult> Now(CancellationToken cancellationToken)
    {
        if (Backups is not { } backups)
        {
            TempData.Problem("This app runs on SQL Server: backups are taken by the database administrator.");
            return RedirectToAction(nameof(Index));
        }
        var by = (await users.GetUserAsync(User))?.DisplayName ?? User.Identity?.Name;
        try
        {
            // Done in the request: a CRM's database takes seconds at most, and the admin sees the result at once.
            var backup = await backups.TakeAsync("now", by, jobId: null, TimeSpan.FromSeconds(30), cancellationToken);
            if (backup.Passed == true)
            {
                TempData.Done($"Backup {backup.Name} taken ({Size(backup.SizeBytes)}), and it passed SQLite's integrity check.");
            }
            else
            {
                TempData.Problem($"Backup {backup.Name} was taken but FAILED its check: {backup.Check}");
            }
        }
        catch (BackupWontFitException ex)
        {
            TempData.Problem(ex.Message); // logged where it was refused
        }
        catch (BackupBusyException)
        {
            TempData.Problem("Another backup is being taken right now. Try again in a minute.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.LogError(ex, "Backup asked for by {User} failed", by);
            TempData.Problem($"The backup failed: {ex.Message}");
        }
        return RedirectToAction(nameof(Index));
    }

    /// <summary>Serves only a name from the listing: the name is compared with the folder's backups, never used as a path.</summary>
    [HttpGet("files/{name}")]
    public IActionResult Download(string name)
    {
        if (Backups?.Find(name) is not { } backup)
        {
            return NotFound();
        }
        logger.LogInformation("{User} downloaded backup {Backup}", User.Identity?.Name, backup.Name);
        return PhysicalFile(backup.FullPath, "application/vnd.sqlite3", backup.Name);
    }

    private string? NextRun(string zone)
    {
        using var connection = jobStorage.GetConnection();
        var job = connection.GetRecurringJobs([BackupJob.RecurringId]).FirstOrDefault();
        return job?.NextExecution is { } next ? When(next, zone) : null;
    }

    private static string When(DateTime utc, string zone) =>
        Zones.ToLocal(utc, zone).ToString("ddd d MMM yyyy, HH:mm:ss", CultureInfo.InvariantCulture) + " " + Zones.Label(utc, zone);

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };
}

/// <param name="Refused">Why the last backup asked for was not started, until one is taken.</param>
public sealed record BackupsPage(bool OnSqlite, string Schedule, string ScheduleZone, string? NextRun, int Keep, string Folder,
    IReadOnlyList<BackupRow> Backups, string? Refused);

public sealed record BackupRow(string Name, string TakenAt, string Size, bool? Passed, string Check, string How);
