using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Tour;

/// <summary>
/// Remove a stay. Only admins keep the stays. Removing one that is already gone is done too (the page shows the
/// stays as they are either way).
/// Returns <see cref="Done{T}"/> of <see cref="Removed"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class DeleteTeamStay(LeadsDbContext db)
{
    public sealed record Input(int StayId);

    public sealed record Removed(int StayId, bool Existed);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins keep who is where.");
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
            new Done<Removed>(new(input.StayId, await db.TeamStays.Where(s => s.Id == input.StayId).ExecuteDeleteAsync(ct) > 0)),
            cancellationToken);
    }
}
