using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// An admin lets a disabled user sign in again (with their old password; follow-ups handed over stay handed over).
/// Only admins. Returns <see cref="Done{T}"/> of <see cref="Enabled"/>, <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// The input is an id, so there is no validator.
/// </summary>
public sealed class EnableUser(LeadsDbContext db, SecurityEvents events)
{
    public sealed record Input(string UserId);

    public sealed record Enabled(string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins enable users.");
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == input.UserId)
                .Select(u => new { u.DisplayName, u.Email, u.DisabledAtUtc }).FirstOrDefaultAsync(ct);
            if (user is null)
            {
                return new NotFound("There is no such user.");
            }
            if (user.DisabledAtUtc is null)
            {
                return new Done<Enabled>(new($"Nothing changed: {user.DisplayName} is not disabled."));
            }
            await db.Users.Where(u => u.Id == input.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAtUtc, (DateTime?)null), ct);
            events.Write(SecurityEvent.UserEnabled, user.Email, caller.ClientAddress, $"by {caller.Name}");
            return new Done<Enabled>(new($"{user.DisplayName} can sign in again."));
        }, cancellationToken);
    }
}
