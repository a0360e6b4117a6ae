using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// "Sign out everywhere else": every session of the caller's but the one they are using ends at once, on every
/// instance. Returns <see cref="Done{T}"/> of <see cref="Ended"/>. The input is the caller's own session, so there is no validator.
/// </summary>
public sealed class EndOtherSessions(LeadsDbContext db, Sessions sessions, SecurityEvents events)
{
    /// <param name="CurrentSessionId">The session kept; null ends them all.</param>
    public sealed record Input(string? CurrentSessionId);

    public sealed record Ended(int Count, string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Outcome>(async ct =>
        {
            var count = await sessions.EndAllAsync(caller.UserId, SessionEnd.SignedOutElsewhere, input.CurrentSessionId, ct);
            if (count > 0)
            {
                var email = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
                events.Write(SecurityEvent.SessionEnded, email, caller.ClientAddress, $"{count} session(s), signed out everywhere else");
            }
            return new Done<Ended>(new(count, count switch
            {
                0 => "You had no other sessions.",
                1 => "Signed out of 1 other session.",
                _ => $"Signed out of {count} other sessions.",
            }));
        }, cancellationToken);
}
