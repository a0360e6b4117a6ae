using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Merge two companies that are one: everything attached to the other moves to the one kept (see
/// <see cref="Merging.MergeCompaniesAsync"/>), and the other is deleted with a pointer to it. Admins merge any two
/// live companies; members only two they may each change (<see cref="CompanyAccess"/>: their consultancy's or
/// unassigned), since a merge moves the other's deals, people and history. A merge decided on a page older than
/// either company's last change merges nothing.
/// Returns <see cref="Done{T}"/> of <see cref="Merged"/>, <see cref="Invalid"/> (the same company twice, on OtherId),
/// <see cref="NotFound"/> when either is gone or merged already, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/>
/// of <see cref="Current"/> (nothing merged) when either changed since the caller's page was shown, or a concurrent
/// change made the database refuse it.
/// </summary>
public sealed class MergeCompanies(LeadsDbContext db, IValidator<MergeCompanies.Input> validator, TimeProvider clock, ILogger<MergeCompanies> logger)
{
    /// <param name="KeepId">The company that stays.</param>
    /// <param name="OtherId">The company that merges into it and goes.</param>
    /// <param name="KeepVersion">The kept company's version the caller saw.</param>
    /// <param name="OtherVersion">The other company's version the caller saw.</param>
    public sealed record Input(int KeepId, int OtherId, long KeepVersion, long OtherVersion);

    /// <summary>The two companies' versions as they stand after someone else's change.</summary>
    public sealed record Current(int KeepId, long KeepVersion, int OtherId, long OtherVersion);

    public const string ChangedMeanwhile = "Someone changed one of the two companies while you were looking, so nothing was merged. " +
        "Here they are as they stand now: check and merge again if you still mean to.";

    public sealed record Merged(int CompanyId, MergeResult Result, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.OtherId).NotEqual(x => x.KeepId).WithMessage("Choose two different companies.");
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        try
        {
            return await db.InTransactionAsync<Outcome>(async ct =>
            {
                var keep = await LiveWithPeopleAsync(input.KeepId, ct);
                var other = await LiveWithPeopleAsync(input.OtherId, ct);
                if (keep is null || other is null)
                {
                    return new NotFound("One of the companies has been deleted or merged meanwhile.");
                }
                if ((CompanyAccess.Refusal(caller, keep.Name, keep.ConsultancyId) ?? CompanyAccess.Refusal(caller, other.Name, other.ConsultancyId)) is { } refused)
                {
                    return refused;
                }
                if (keep.Version != input.KeepVersion || other.Version != input.OtherVersion)
                {
                    return Stale(input, keep.Version, other.Version);
                }
                var result = await Merging.MergeCompaniesAsync(db, keep, other, caller.Actor, clock.GetUtcNow().UtcDateTime, ct);
                logger.LogInformation("{User} merged company {Other} into {Keep}", caller.Name, other.Id, keep.Id);
                return new Done<Merged>(new(keep.Id, result,
                    $"Merged. Everything attached to the other company is here now ({result.Encounters} encounters, {result.TimelineEntries} timeline entries)."));
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
        {
            // Another instance saved one of them after the read above (its version refused the merge's save), or took
            // a name or domain the merge needed: the transaction rolled back whole.
            db.ChangeTracker.Clear();
            var versions = await db.Companies.AsNoTracking().Where(c => c.Id == input.KeepId || c.Id == input.OtherId)
                .ToDictionaryAsync(c => c.Id, c => c.Version, cancellationToken);
            return Stale(input, versions.GetValueOrDefault(input.KeepId), versions.GetValueOrDefault(input.OtherId));
        }
    }

    private static Conflict<Current> Stale(Input input, long keepVersion, long otherVersion) =>
        new(new(input.KeepId, keepVersion, input.OtherId, otherVersion), ChangedMeanwhile);

    private Task<Company?> LiveWithPeopleAsync(int id, CancellationToken cancellationToken) =>
        db.Companies.Include(c => c.People.Where(p => p.DeletedAtUtc == null)).SingleOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken);
}
