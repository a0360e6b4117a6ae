using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Delete a company: it leaves the lists and search, keeps its timeline, and an admin can restore it
/// (<see cref="RestoreCompany"/>). Every signed-in user may delete any company. Deleting twice (two tabs, a
/// double tap) deletes once and writes one timeline entry; the second answers <see cref="NotFound"/>.
/// Returns <see cref="Done{T}"/> of <see cref="Deleted"/> or <see cref="NotFound"/>. The input is an id only, so
/// there is nothing to validate.
/// </summary>
public sealed class DeleteCompany(LeadsDbContext db, TimeProvider clock, ILogger<DeleteCompany> logger)
{
    public sealed record Input(int CompanyId);

    public sealed record Deleted(int CompanyId, string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var deleted = await db.InTransactionAsync(async ct =>
        {
            // A conditional update, so that of two deletes only one finds the company live.
            var count = await db.Companies.Where(c => c.Id == input.CompanyId && c.DeletedAtUtc == null).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.DeletedAtUtc, now).SetProperty(c => c.DeletedByUserId, caller.UserId).SetProperty(c => c.Version, c => c.Version + 1), ct);
            if (count == 1)
            {
                db.Timeline.Add(TimelineEntry.For(input.CompanyId, CompanyTimeline.CompanyDeleted, $"{caller.Name} deleted this company",
                    "It left the lists and search; an admin can restore it.", caller.Actor, now, "Company", input.CompanyId));
                await db.SaveChangesAsync(ct);
            }
            return count == 1;
        }, cancellationToken);
        if (!deleted)
        {
            return new NotFound("That company does not exist, or it was deleted already.");
        }
        logger.LogInformation("{User} deleted company {CompanyId}", caller.Name, input.CompanyId);
        return new Done<Deleted>(new(input.CompanyId, "Deleted. It no longer shows in the list or in search; an admin can restore it."));
    }
}
