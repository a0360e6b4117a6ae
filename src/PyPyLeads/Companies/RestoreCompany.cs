using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Restore a deleted company to the lists and search. Only admins restore. A company merged into another stays
/// merged (its people and history are with the survivor), and a company whose name or web domain another live
/// company has taken meanwhile is not restored, so as not to make a duplicate. A page older than the company's last
/// change (restored and deleted again, say) restores nothing; restoring a live company changes nothing.
/// Returns <see cref="Done{T}"/> of <see cref="Restored"/>, <see cref="NotAllowed"/>, <see cref="NotFound"/>,
/// <see cref="Invalid"/> (merged, on CompanyId), <see cref="DuplicatesFound{T}"/> of <see cref="CompanyMatch"/>, or
/// <see cref="Conflict{T}"/> of <see cref="Current"/> when the company changed since the caller's page was shown.
/// The input is an id and a version only, so there is no validator.
/// </summary>
public sealed class RestoreCompany(LeadsDbContext db, TimeProvider clock)
{
    /// <param name="Version">The company's version the caller saw.</param>
    public sealed record Input(int CompanyId, long Version);

    public sealed record Restored(int CompanyId, string Message);

    /// <summary>The company as it stands after someone else's change.</summary>
    public sealed record Current(int CompanyId, bool Deleted, long Version);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins restore deleted companies.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            return await db.InTransactionAsync<Outcome>(async ct =>
            {
                var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == input.CompanyId, ct);
                if (company is null)
                {
                    return new NotFound("That company does not exist.");
                }
                if (company.MergedIntoCompanyId is not null)
                {
                    return new Invalid(nameof(Input.CompanyId),
                        "This company was merged into another one; its people and history are there now, so it cannot be restored.");
                }
                if (company.Version != input.Version)
                {
                    return Stale(company);
                }
                if (company.DeletedAtUtc is null)
                {
                    return Done(input.CompanyId);
                }
                var taken = await CompanyMatching.FindAsync(db, company.Name, company.WebDomain, exceptId: company.Id, ct);
                if (taken.Count > 0)
                {
                    return NameTaken(taken);
                }
                // The version in the condition: another instance may have changed it since the read above.
                var count = await db.Companies.Where(c => c.Id == input.CompanyId && c.DeletedAtUtc != null && c.MergedIntoCompanyId == null && c.Version == input.Version)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(c => c.DeletedAtUtc, (DateTime?)null).SetProperty(c => c.DeletedByUserId, (string?)null).SetProperty(c => c.Version, c => c.Version + 1), ct);
                if (count == 0)
                {
                    return Stale(await db.Companies.AsNoTracking().SingleAsync(c => c.Id == input.CompanyId, ct));
                }
                db.Timeline.Add(TimelineEntry.For(input.CompanyId, CompanyTimeline.CompanyRestored, $"{caller.Name} restored this company", null,
                    caller.Actor, now, "Company", input.CompanyId));
                await db.SaveChangesAsync(ct);
                return Done(input.CompanyId);
            }, cancellationToken);
        }
        catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another company took the name or domain between the check and the update (the unique keys refuse it).
            var company = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == input.CompanyId, cancellationToken);
            return NameTaken(await CompanyMatching.FindAsync(db, company.Name, company.WebDomain, exceptId: company.Id, cancellationToken));
        }
    }

    private static Done<Restored> Done(int companyId) => new(new(companyId, "Restored."));

    private static Conflict<Current> Stale(Company company) => new(new(company.Id, company.DeletedAtUtc is not null, company.Version),
        company.DeletedAtUtc is null
            ? "Someone restored this company while you were looking; nothing was changed. Here it is as it stands now."
            : "Someone changed this company while you were looking, so it was not restored. Here it is as it stands now: restore it again if you still mean to.");

    private static DuplicatesFound<CompanyMatch> NameTaken(IReadOnlyList<CompanyMatch> taken) => new(taken,
        taken.FirstOrDefault() is { ByName: false } ? "WebDomain" : "Name",
        $"It cannot be restored: “{taken.FirstOrDefault()?.Name}” now has the same {taken.FirstOrDefault()?.Reason.Replace("same ", "", StringComparison.Ordinal) ?? "name"}. Restore is refused so as not to make a duplicate.");
}
