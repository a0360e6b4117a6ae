using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;

namespace PyPyLeads.FollowUps;

public sealed record ReminderHealthReport(bool JobServerRunning, int FailedDeliveries, int LateReminders, int FailedDigests)
{
    public bool IsHealthy => JobServerRunning && FailedDeliveries == 0 && LateReminders == 0 && FailedDigests == 0;

    /// <summary>One sentence per problem, for the admins' banner and /health.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (!JobServerRunning)
            {
                problems.Add("No background job server is running: reminders are not being sent.");
            }
            if (FailedDeliveries > 0)
            {
                problems.Add(FailedDeliveries == 1 ? "1 reminder e-mail could not be delivered." : $"{FailedDeliveries} reminder e-mails could not be delivered.");
            }
            if (LateReminders > 0)
            {
                problems.Add(LateReminders == 1 ? "1 reminder is late." : $"{LateReminders} reminders are late.");
            }
            if (FailedDigests > 0)
            {
                problems.Add(FailedDigests == 1 ? "1 daily digest could not be delivered." : $"{FailedDigests} daily digests could not be delivered.");
            }
            return problems;
        }
    }
}

/// <summary>Whether reminders are going out: a live Hangfire server, no failed deliveries, nothing late.</summary>
public sealed class ReminderHealth(LeadsDbContext db, JobServerLiveness servers, TimeProvider clock, IOptions<FollowUpOptions> options)
{
    /// <summary>A reminder still waiting this long after its time is late (the reconciler runs every minute).</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(3);

    public async Task<ReminderHealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lateBefore = now - LateAfter;
        var staleBefore = now - options.Value.StaleClaim - LateAfter;
        var failed = await FailedQuery(db, cancellationToken);
        var late = await LateQuery(db, lateBefore, staleBefore, cancellationToken);
        var failedDigests = await FailedDigestsQuery(db, DateOnly.FromDateTime(now).AddDays(-2), cancellationToken);
        return new ReminderHealthReport(servers.AnyAlive(), failed, late, failedDigests);
    }

    // The admins' banner runs these on every page: compiled once, they skip EF's translation each time.
    private static readonly Func<LeadsDbContext, CancellationToken, Task<int>> FailedQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, CancellationToken _) => db.FollowUps.Count(f => f.State == FollowUpState.Failed));

    // Late: never tried though its time passed a while ago, or a claim stale a while ago (not yet taken over).
    private static readonly Func<LeadsDbContext, DateTime, DateTime, CancellationToken, Task<int>> LateQuery = EF.CompileAsyncQuery(
        FollowUpClaims.Expand<Func<LeadsDbContext, DateTime, DateTime, CancellationToken, int>>((db, lateBefore, staleBefore, _) => db.FollowUps.Count(f =>
            (f.State == FollowUpState.Scheduled && f.NextAttemptAtUtc < lateBefore && f.AttemptCount == 0)
            || f.HoldsStaleClaim(staleBefore))));

    private static readonly Func<LeadsDbContext, DateOnly, CancellationToken, Task<int>> FailedDigestsQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, DateOnly recentDays, CancellationToken _) => db.Digests.Count(d => d.State == DigestState.Failed && d.LocalDate >= recentDays));
}

/// <summary>
/// Whether a Hangfire server has beaten recently. Asking Hangfire reads and deserialises every server's record, and the
/// admins' banner asks on every page; a server seen alive is taken as alive while its last beat is younger than the timeout,
/// and for at most <see cref="Remember"/> (so a server stopped and removed is reported at most that much later). A missing server is never remembered:
/// the next page asks again. One per app (a singleton), as the storage it asks is.
/// </summary>
public sealed class JobServerLiveness(JobStorage storage)
{
    /// <summary>Hangfire servers beat every 30 s; one silent for longer than this is taken for dead.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan Remember = TimeSpan.FromSeconds(12);

    private long _aliveUntilTicks;

    public bool AnyAlive()
    {
        // Heartbeats are stamped with the real clock, whatever the app clock says.
        var realNow = TimeProvider.System.GetUtcNow().UtcDateTime;
        if (realNow.Ticks < Interlocked.Read(ref _aliveUntilTicks))
        {
            return true;
        }
        DateTime? freshest;
        try
        {
            freshest = storage.GetMonitoringApi().Servers().Max(s => s.Heartbeat is { } beat ? DateTime.SpecifyKind(beat, DateTimeKind.Utc) : (DateTime?)null);
        }
        catch (Exception)
        {
            return false;
        }
        if (freshest is not { } last || realNow - last >= HeartbeatTimeout)
        {
            return false;
        }
        // Alive by its beat until that beat is HeartbeatTimeout old; asked again sooner, in case it was stopped.
        Interlocked.Exchange(ref _aliveUntilTicks, Math.Min((last + HeartbeatTimeout).Ticks, (realNow + Remember).Ticks));
        return true;
    }
}
