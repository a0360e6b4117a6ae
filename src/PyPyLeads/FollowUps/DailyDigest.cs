using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Mail;
using PyPyLeads.Time;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The daily digest: each owner gets, at <see cref="FollowUpOptions.DigestAt"/> (08:00) in their own zone, one e-mail
/// listing their open follow-ups that are overdue or due later that day; an owner with nothing due gets nothing.
/// A job runs every minute and picks the owners for whom it is now past 08:00 by the app clock and whose digest for
/// that local day is not yet recorded; the (owner, day) row, unique in the database, is claimed before sending, so
/// no owner gets two digests for one day, however many instances run.
/// </summary>
public sealed class DailyDigest(
    LeadsDbContext db,
    IMailSender mail,
    ReminderMail composer,
    TimeProvider clock,
    IOptions<FollowUpOptions> options,
    ILogger<DailyDigest> logger)
{
    private readonly FollowUpOptions _options = options.Value;

    /// <summary>Sends the digests due now; returns how many went out.</summary>
    public async Task<int> SendDueDigestsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Whoever has something due before the end of their local day; a day ends at most 26 hours from now anywhere.
        var horizon = now.AddHours(26);
        var ownerIds = await db.FollowUps.AsNoTracking().Open().Where(f => f.DueAtUtc < horizon)
            .Select(f => f.OwnerUserId).Distinct().ToListAsync(cancellationToken);
        if (ownerIds.Count == 0)
        {
            return 0;
        }
        var owners = await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id))
            .Select(u => new MailRecipient(u.Id, u.DisplayName, u.Email, u.TimeZoneId)).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var owner in owners)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var zone = Zones.Exists(owner.TimeZoneId) ? owner.TimeZoneId : "UTC";
            var local = Zones.ToLocal(now, zone);
            if (TimeOnly.FromDateTime(local) < _options.DigestTime)
            {
                continue;
            }
            var day = DateOnly.FromDateTime(local);
            if (await SendAsync(owner with { TimeZoneId = zone }, day, now, cancellationToken))
            {
                sent++;
            }
            db.ChangeTracker.Clear();
        }
        return sent;
    }

    private async Task<bool> SendAsync(MailRecipient owner, DateOnly day, DateTime now, CancellationToken cancellationToken)
    {
        var token = await ClaimAsync(owner.UserId, day, now, cancellationToken);
        if (token is null)
        {
            return false;
        }
        var dayEndsUtc = Zones.ToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), owner.TimeZoneId);
        var items = await db.FollowUps.AsNoTracking().Open()
            .Where(f => f.OwnerUserId == owner.UserId && f.DueAtUtc < dayEndsUtc)
            .OrderBy(f => f.DueAtUtc)
            .Select(f => new DigestItem(f.Id, f.CompanyId, f.Company!.Name, f.SubjectType, f.SubjectId, f.DueAtUtc, f.Note, f.State))
            .ToListAsync(cancellationToken);
        if (items.Count == 0 || owner.Email is null)
        {
            await Record(DigestState.NothingDue, 0, null, null);
            return false;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SendTimeout);
        try
        {
            await mail.SendAsync(composer.Digest(owner, day, now, items), timeout.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var attempts = await db.Digests.Where(d => d.UserId == owner.UserId && d.LocalDate == day).Select(d => d.AttemptCount).FirstAsync(CancellationToken.None);
            var error = FollowUpDelivery.Shorten($"{ex.GetType().Name}: {ex.Message}", 1000);
            logger.LogWarning(ex, "Digest for {Owner} on {Day} failed (try {Attempt})", owner.UserId, day, attempts);
            if (attempts >= _options.MaxAttempts || SmtpMailSender.IsPermanent(ex))
            {
                await Record(DigestState.Failed, items.Count, error, null);
            }
            else
            {
                await Record(DigestState.RetryPending, items.Count, error, now + _options.RetryDelays[attempts - 1]);
            }
            return false;
        }
        await Record(DigestState.Sent, items.Count, null, null);
        return true;

        Task<int> Record(DigestState state, int count, string? error, DateTime? retryAt) =>
            db.Digests.Where(d => d.UserId == owner.UserId && d.LocalDate == day && d.ClaimToken == token)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.State, state)
                    .SetProperty(d => d.ClaimToken, (Guid?)null)
                    .SetProperty(d => d.ItemCount, count)
                    .SetProperty(d => d.LastError, error)
                    .SetProperty(d => d.NextAttemptAtUtc, retryAt)
                    .SetProperty(d => d.SentAtUtc, state == DigestState.Sent ? now : null), CancellationToken.None);
    }

    /// <summary>The (owner, day) row: inserted by the first sender, or taken over after a failed try or a dead sender.</summary>
    private async Task<Guid?> ClaimAsync(string userId, DateOnly day, DateTime now, CancellationToken cancellationToken)
    {
        var existing = await db.Digests.AsNoTracking().Where(d => d.UserId == userId && d.LocalDate == day)
            .Select(d => new { d.State }).FirstOrDefaultAsync(cancellationToken);
        var token = Guid.NewGuid();
        if (existing is null)
        {
            db.Digests.Add(new DigestRecord
            {
                UserId = userId, LocalDate = day, State = DigestState.Sending, ClaimToken = token, ClaimedAtUtc = now, AttemptCount = 1,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return token;
            }
            catch (DbUpdateException)
            {
                // Another sender inserted the row first: theirs.
                db.ChangeTracker.Clear();
                return null;
            }
        }
        if (existing.State is not (DigestState.RetryPending or DigestState.Sending))
        {
            return null;
        }
        var staleBefore = now - _options.StaleClaim;
        var taken = await db.Digests
            .Where(d => d.UserId == userId && d.LocalDate == day
                && ((d.State == DigestState.RetryPending && d.NextAttemptAtUtc <= now) || (d.State == DigestState.Sending && d.ClaimedAtUtc < staleBefore)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, DigestState.Sending)
                .SetProperty(d => d.ClaimToken, token)
                .SetProperty(d => d.ClaimedAtUtc, now)
                .SetProperty(d => d.AttemptCount, d => d.AttemptCount + 1), cancellationToken);
        return taken == 1 ? token : null;
    }
}
