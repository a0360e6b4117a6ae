using Hangfire;

namespace PyPyLeads.Intake;

/// <summary>
/// The Hangfire entry point: one check of the mailbox every minute, and the admins' "check now". Hangfire's retries
/// are off: the next minute's check is the retry, and it carries on from what the database says was committed.
/// </summary>
public sealed class IntakeJobs(CheckMailbox check)
{
    public const string CheckJobId = "intake:check";

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var result = await check.RunAsync(cancellationToken);
        if (!result.Succeeded)
        {
            // Failed in Hangfire's dashboard too; /health and the admin banner say the same from the database.
            throw new InvalidOperationException($"The mailbox could not be read: {result.Error}");
        }
    }
}
