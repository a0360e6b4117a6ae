using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Submissions;

/// <summary>
/// Makes a use case that creates something do it once per <see cref="Submission"/>: a double tap, a browser resending
/// after a dropped connection, or two posts at once create one record, and every repeat gets the first's
/// <see cref="Done{T}"/> back, so the page answers as it did. A use case wraps its work in <see cref="OnceAsync{T}"/>
/// and opens its one transaction with <see cref="InTransactionAsync{T}"/>, which claims the key first and stores the
/// result before the commit: the key and the records are committed together, or neither is. Only <c>Done</c> is
/// remembered: a refused submit (<see cref="Invalid"/>, <see cref="DuplicatesFound{T}"/>...) saved nothing, and the
/// corrected form may be sent with the same key. The rows live in the app's database, so they hold across instances
/// and restarts; <see cref="PruneAsync"/> drops them after <see cref="SubmissionOptions.KeepHours"/>.
/// </summary>
public sealed class SubmissionStore(LeadsDbContext db, TimeProvider clock, IDataProtectionProvider protection, IOptions<SubmissionOptions> options,
    ILogger<SubmissionStore> logger)
{
    // A result can carry a secret shown once (an invitation link's token, a calendar feed's address): a copy of this
    // table alone does not reveal it.
    private readonly IDataProtector _protector = protection.CreateProtector("PyPyLeads.Submissions.Result");

    /// <summary>
    /// Runs <paramref name="run"/> unless <paramref name="submission"/> was done already, in which case its result is
    /// answered again. Without a submission (no usable key) it simply runs.
    /// </summary>
    public async Task<Outcome> OnceAsync<T>(Submission? submission, Func<Task<Outcome>> run, CancellationToken cancellationToken)
    {
        if (submission is null)
        {
            return await run();
        }
        if (await EarlierAsync<T>(submission, cancellationToken) is { } earlier)
        {
            return earlier;
        }
        try
        {
            var outcome = await run();
            // A refusal can come from the first submit's records, committed while this one was checked (the company
            // it created is now "already here"): the first's answer is the one to give.
            return outcome is Done<T> ? outcome : await EarlierAsync<T>(submission, cancellationToken) ?? outcome;
        }
        catch (AlreadySubmitted)
        {
            db.ChangeTracker.Clear();
            return await EarlierAsync<T>(submission, cancellationToken)
                   ?? throw new InvalidOperationException($"{submission.Form}: the key was claimed, but its result cannot be read.");
        }
    }

    /// <summary>
    /// The use case's one transaction (<see cref="Transactions.InTransactionAsync{T}"/>), with <paramref name="submission"/>'s
    /// key claimed first: a second submit with the same key waits on the unique key for the first's commit, then
    /// fails and is answered by <see cref="OnceAsync{T}"/>. A <see cref="Done{T}"/> is stored with the key; any other
    /// outcome gives the key back, in the same transaction.
    /// </summary>
    public Task<Outcome> InTransactionAsync<T>(Submission? submission, Func<CancellationToken, Task<Outcome>> work, CancellationToken cancellationToken)
    {
        if (submission is null)
        {
            return db.InTransactionAsync(work, cancellationToken);
        }
        // The key ring is read (and, when a key is due, written) through another connection: done here, outside the
        // transaction, it cannot wait on SQLite's write lock that this transaction holds.
        _protector.Protect(Array.Empty<byte>());
        return db.InTransactionAsync(async ct =>
        {
            await ClaimAsync(submission, ct);
            var outcome = await work(ct);
            // Set-based, so nothing the work left unsaved (a refused change) is saved with it.
            if (outcome is Done<T> done)
            {
                var result = _protector.Protect(JsonSerializer.Serialize(done.Value));
                await Row(submission).ExecuteUpdateAsync(s => s.SetProperty(r => r.Result, result), ct);
            }
            else
            {
                await Row(submission).ExecuteDeleteAsync(ct);
            }
            return outcome;
        }, cancellationToken);
    }

    /// <summary>Drops the submissions older than <see cref="SubmissionOptions.KeepHours"/>: their keys are fresh again.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - options.Value.Keep;
        var pruned = await db.Submissions.Where(r => r.CreatedAtUtc < before).ExecuteDeleteAsync(cancellationToken);
        if (pruned > 0)
        {
            logger.LogInformation("Pruned {Count} submission keys older than {Hours} h", pruned, options.Value.KeepHours);
        }
        return pruned;
    }

    private async Task ClaimAsync(Submission submission, CancellationToken cancellationToken)
    {
        var row = new SubmissionRecord
        {
            SubmitterId = submission.SubmitterId, Form = submission.Form, Key = submission.Key, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.Submissions.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Not a DbUpdateException: the use cases' own handlers of a unique key (a company saved meanwhile) must not take it.
            throw new AlreadySubmitted();
        }
        db.Entry(row).State = EntityState.Detached;
    }

    private async Task<Outcome?> EarlierAsync<T>(Submission submission, CancellationToken cancellationToken)
    {
        var result = await Row(submission).AsNoTracking().Select(r => r.Result).FirstOrDefaultAsync(cancellationToken);
        if (string.IsNullOrEmpty(result))
        {
            return null;
        }
        logger.LogInformation("{Form} sent again by {Submitter} with the key of a done submission: answered as the first time", submission.Form, submission.SubmitterId);
        return new Done<T>(JsonSerializer.Deserialize<T>(_protector.Unprotect(result))!);
    }

    private IQueryable<SubmissionRecord> Row(Submission submission) =>
        db.Submissions.Where(r => r.SubmitterId == submission.SubmitterId && r.Form == submission.Form && r.Key == submission.Key);

    /// <summary>The key was committed by another submit meanwhile: this one's transaction is rolled back whole.</summary>
    private sealed class AlreadySubmitted() : Exception("This submission's key was claimed by an earlier submit.");
}

/// <summary>The Hangfire entry point of the hourly prune. A failed run is dropped: the next hour's does the same work.</summary>
public sealed class SubmissionJobs(SubmissionStore submissions)
{
    public const string PruneJobId = "submissions:prune";

    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public Task PruneAsync(CancellationToken cancellationToken) => submissions.PruneAsync(cancellationToken);
}
