using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user ends one of their sessions (a phone left at a venue): its cookie opens nothing from the next request on.
/// Users end their own sessions; admins any user's. Ending an ended session changes nothing and says so.
/// Returns <see cref="Done{T}"/> of <see cref="Ended"/>, <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// The input is an id, so there is no validator.
/// </summary>
public sealed class EndSession(LeadsDbContext db, Sessions sessions, SecurityEvents events)
{
    public sealed record Input(string SessionId);

    public sealed record Ended(string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Outcome>(async ct =>
        {
            var session = await db.UserSessions.AsNoTracking().Where(s => s.Id == input.SessionId)
                .Select(s => new { s.UserId, s.Device, s.EndedAtUtc }).FirstOrDefaultAsync(ct);
            if (session is null)
            {
                return new NotFound("There is no such session.");
            }
            if (session.UserId != caller.UserId && !caller.IsAdmin)
            {
                return new NotAllowed("You can end only your own sessions.");
            }
            if (!await sessions.EndAsync(input.SessionId, SessionEnd.EndedByUser, ct))
            {
                return new Done<Ended>(new("That session had ended already."));
            }
            var email = await db.Users.Where(u => u.Id == session.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
            events.Write(SecurityEvent.SessionEnded, email, caller.ClientAddress, $"{session.Device}, ended by {caller.Name}");
            return new Done<Ended>(new($"Signed out: {session.Device}."));
        }, cancellationToken);
}
