using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;

namespace PyPyLeads.Users;

/// <summary>What <see cref="Sessions.CheckAsync"/> found: an active session, or why it is not one.</summary>
/// <param name="EndedBecause">Why it ended; null for an active session, or for one that does not exist (or is another user's).</param>
/// <param name="EndedNow">This check ended it (idle or too old), so it is the one to record the end.</param>
public readonly record struct SessionCheck(bool Active, SessionEnd? EndedBecause, bool EndedNow);

/// <summary>
/// The server side of signing in: sessions are started at sign-in, checked on every signed-in request, and ended by
/// sign-out and by the use cases that must end them (password change, "sign out everywhere", a user disabled). The
/// database is the truth, so every instance sees an end on the next request.
/// </summary>
public sealed class Sessions(LeadsDbContext db, SessionClock clock, IOptions<SessionLimitOptions> options)
{
    /// <summary>How stale a session's "last seen" may be: written at most once a minute, so most requests only read.</summary>
    public static readonly TimeSpan LastSeenGranularity = TimeSpan.FromMinutes(1);

    /// <summary>Starts a session for <paramref name="userId"/> and returns its id, to be put in the sign-in cookie.</summary>
    public async Task<string> StartAsync(string userId, string? clientAddress, string? userAgent, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var session = new UserSession
        {
            Id = NewId(), UserId = userId, CreatedAtUtc = now, LastSeenAtUtc = now,
            ClientAddress = clientAddress is { Length: > 64 } ? clientAddress[..64] : clientAddress,
            Device = Devices.Describe(userAgent),
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(session).State = EntityState.Detached;
        return session.Id;
    }

    /// <summary>
    /// Whether <paramref name="sessionId"/> is an active session of <paramref name="userId"/>: one read by primary key.
    /// A session idle for longer than <see cref="SessionLimitOptions.Idle"/> or older than <see cref="SessionLimitOptions.Absolute"/>
    /// is ended here; an active one has its "last seen" moved when it is older than <see cref="LastSeenGranularity"/>.
    /// </summary>
    public async Task<SessionCheck> CheckAsync(string sessionId, string userId, CancellationToken cancellationToken)
    {
        var row = await Find(db, sessionId, cancellationToken);
        if (row is null || row.UserId != userId)
        {
            return new(false, null, false);
        }
        if (row.EndedAtUtc is not null)
        {
            return new(false, row.EndedBecause, false);
        }
        var now = clock.UtcNow;
        var limits = options.Value;
        var expired = now - row.CreatedAtUtc > limits.Absolute ? SessionEnd.TooOld
            : now - row.LastSeenAtUtc > limits.Idle ? SessionEnd.Idle
            : (SessionEnd?)null;
        if (expired is { } because)
        {
            // Only the request that ends it records it: two instances may find it expired at once.
            return new(false, because, await EndAsync(sessionId, because, cancellationToken));
        }
        if (now - row.LastSeenAtUtc >= LastSeenGranularity)
        {
            try
            {
                await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAtUtc == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAtUtc, now), cancellationToken);
            }
            catch (Exception ex) when (DbErrors.IsStorageFull(ex))
            {
                // A full disk leaves the app readable (StorageFullFilter); "last seen" is only a note, tried again next minute.
            }
        }
        return new(true, null, false);
    }

    /// <summary>Ends one session; false when it had ended already (or does not exist).</summary>
    public async Task<bool> EndAsync(string sessionId, SessionEnd because, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        return await db.UserSessions.Where(s => s.Id == sessionId && s.EndedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtUtc, now).SetProperty(x => x.EndedBecause, because), cancellationToken) > 0;
    }

    /// <summary>Ends every active session of <paramref name="userId"/> but <paramref name="except"/>; returns how many.</summary>
    public async Task<int> EndAllAsync(string userId, SessionEnd because, string? except, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        return await db.UserSessions.Where(s => s.UserId == userId && s.EndedAtUtc == null && s.Id != except)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAtUtc, now).SetProperty(x => x.EndedBecause, because), cancellationToken);
    }

    /// <summary>The user's active sessions, the most recently seen first; those past their limits are left out (their next request ends them).</summary>
    public async Task<IReadOnlyList<UserSession>> ActiveAsync(string userId, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var limits = options.Value;
        var open = await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.EndedAtUtc == null)
            .OrderByDescending(s => s.LastSeenAtUtc).ToListAsync(cancellationToken);
        return open.Where(s => now - s.CreatedAtUtc <= limits.Absolute && now - s.LastSeenAtUtc <= limits.Idle).ToList();
    }

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<Row?>> Find =
        EF.CompileAsyncQuery((LeadsDbContext db, string id, CancellationToken _) =>
            db.UserSessions.AsNoTracking().Where(s => s.Id == id)
                .Select(s => new Row(s.UserId, s.CreatedAtUtc, s.LastSeenAtUtc, s.EndedAtUtc, s.EndedBecause)).FirstOrDefault());

    private sealed record Row(string UserId, DateTime CreatedAtUtc, DateTime LastSeenAtUtc, DateTime? EndedAtUtc, SessionEnd? EndedBecause);
}
