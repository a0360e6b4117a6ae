using Hangfire;
using Hangfire.Server;

namespace PyPyLeads.Web.Features.Backups;

/// <summary>The scheduled backup, run by Hangfire (recurring job <see cref="RecurringId"/>).</summary>
public sealed class BackupJob(SqliteBackups backups)
{
    public const string RecurringId = "database-backup";

    /// <summary>
    /// One at a time: Hangfire's distributed lock, and inside it the backups folder's own lock file. The job's id
    /// travels with the backup, so a job that Hangfire runs twice takes one backup. A backup that would not fit on the
    /// disk throws <see cref="BackupWontFitException"/> before writing anything: the job fails (the dashboard shows
    /// it, the Backups page says why) and Hangfire's retries try again, in case room has been made meanwhile.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 10 * 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(PerformContext? context, CancellationToken cancellationToken)
    {
        var backup = await backups.TakeAsync("scheduled", takenBy: null, context?.BackgroundJob.Id, TimeSpan.FromMinutes(10), cancellationToken);
        if (backup.Passed != true)
        {
            // Failing the job shows it in the dashboard and retries it.
            throw new InvalidOperationException($"Backup {backup.Name} failed its check: {backup.Check}");
        }
    }
}
