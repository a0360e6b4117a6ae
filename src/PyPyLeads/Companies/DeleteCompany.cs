using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Delete a company: it leaves the lists and search, keeps its timeline, and an admin can restore it
/// (<see cref="RestoreCompany"/>). Admins delete any company, members their consultancy's and unassigned ones
/// (<see cref="CompanyAccess"/>). Deleting twice (two tabs, a double tap) deletes once and writes one timeline entry;
/// the second answers <see cref="NotFound"/>.
/// Returns <see cref="Done{T}"/> of <see cref="Deleted"/>, <see cref="NotFound"/> or <see cref="NotAllowed"/>. The input is an id only, so
/// there is nothing to validate.
/// </summary>
public sealed class DeleteCompany(LeadsDbContext db, TimeProvider clock, ILogger<DeleteCompany> logger)
{
    public sealed record Input(int CompanyId);

    public sealed record Deleted(int CompanyId, string Message);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outcome = await db.InTransactionAsync<Outcome>(async ct =>
        {
            var company = await db.Companies.AsNoTracking().Where(c => c.Id == input.CompanyId && c.DeletedAtUtc == null)
                .Select(c => new { c.Name, c.ConsultancyId }).SingleOrDefaultAsync(ct);
            if (company is null)
            {
                return new NotFound("That company does not exist, or it was deleted already.");
            }
            if (CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId) is { } refused)
            {
                return refused;
            }
            // A conditional update, so that of two deletes only one finds the company live, and still assigned as checked.
            var count = await db.Companies.Where(c => c.Id == input.CompanyId && c.DeletedAtUtc == null && c.ConsultancyId == company.ConsultancyId)
                .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.DeletedAtUtc, now).SetProperty(c => c.DeletedByUserId, caller.UserId).SetProperty(c => c.Version, c => c.Version + 1), ct);
            if (count == 1)
            {
                db.Timeline.Add(TimelineEntry.For(input.CompanyId, CompanyTimeline.CompanyDeleted, $"{caller.Name} deleted this company",
                    "It left the lists and search; an admin can restore it.", caller.Actor, now, "Company", input.CompanyId));
                await db.SaveChangesAsync(ct);
                return new Done<Deleted>(new(input.CompanyId, "Deleted. It no longer shows in the list or in search; an admin can restore it."));
            }
            return new NotFound("That company does not exist, or it was deleted already.");
        }, cancellationToken);
        if (outcome is Done<Deleted>)
        {
            logger.LogInformation("{User} deleted company {CompanyId}", caller.Name, input.CompanyId);
        }
        return outcome;
    }
}
