using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>
/// Looks after stored CSV imports, at start-up and every minute (Hangfire's recurring <see cref="RecurringJobId"/>):
/// carries on an import whose run stopped, and deletes uploaded files kept past <see cref="ImportOptions.KeepFilesDays"/>.
/// Any number of instances may run it at once: an import is carried on by whichever run claims it
/// (<see cref="CsvImportJob"/>), and the pruning deletes by condition.
/// </summary>
public sealed class CsvImportMaintenance(LeadsDbContext db, IBackgroundJobClient jobs, TimeProvider clock, IOptions<ImportOptions> options,
    ILogger<CsvImportMaintenance> logger)
{
    public const string RecurringJobId = "imports:maintain";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await ResumeAsync(cancellationToken);
        await PruneAsync(cancellationToken);
    }

    /// <summary>
    /// Gives a confirmed import that is not being imported (its run's claim has run out: the process stopped) a new run,
    /// which carries on after its last committed batch.
    /// </summary>
    /// <returns>How long until the claim of an import still held runs out (when to look again), or null when none is held.</returns>
    public async Task<TimeSpan?> ResumeAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var importing = await db.CsvImports.AsNoTracking().Where(i => i.State == CsvImportState.Importing)
            .Select(i => new { i.Id, i.ClaimedUntilUtc, i.ProcessedRows, i.TotalRows }).ToListAsync(cancellationToken);
        TimeSpan? next = null;
        foreach (var import in importing)
        {
            if (import.ClaimedUntilUtc is { } until && until >= now)
            {
                next = next is { } earlier && earlier < until - now ? earlier : until - now; // a run holds it, for now
                continue;
            }
            jobs.Enqueue<CsvImportJob>(job => job.RunAsync(import.Id, CancellationToken.None));
            logger.LogWarning("CSV import {ImportId} stopped at row {Processed} of {Total}; carrying on", import.Id, import.ProcessedRows, import.TotalRows);
        }
        return next;
    }

    /// <summary>
    /// Deletes what uploads leave behind after <see cref="ImportOptions.KeepFilesDays"/>: files previewed and never
    /// confirmed (with their preview), and the text of failed imports. Imports under way are never touched.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - options.Value.KeepFiles;
        var previews = await db.CsvImports.Where(i => i.State == CsvImportState.Previewed && i.UploadedAtUtc < before).ExecuteDeleteAsync(cancellationToken);
        var failed = await db.CsvImports.Where(i => i.State == CsvImportState.Failed && i.UploadedAtUtc < before && i.Content != "")
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Content, ""), cancellationToken);
        if (previews + failed > 0)
        {
            logger.LogInformation("Deleted {Count} uploaded CSV files older than {Days} days ({Previews} never confirmed, {Failed} of failed imports)",
                previews + failed, options.Value.KeepFilesDays, previews, failed);
        }
        return previews + failed;
    }
}

/// <summary>Hangfire's entry point for <see cref="CsvImportMaintenance"/>; a failed run is simply the next minute's to do.</summary>
public sealed class CsvImportJobs(CsvImportMaintenance maintenance)
{
    [AutomaticRetry(Attempts = 0)]
    public Task MaintainAsync(CancellationToken cancellationToken) => maintenance.RunAsync(cancellationToken);
}
