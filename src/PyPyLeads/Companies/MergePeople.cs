using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Merge two people of one company who are the same person: the other's encounters move to the one kept, missing
/// details are filled from theirs (see <see cref="Merging.MergePeopleAsync"/>). Admins merge, and members at their
/// consultancy's or unassigned companies (<see cref="CompanyAccess"/>); people at two companies are merged by merging
/// the companies. A merge decided on a page older than either person's last change merges nothing.
/// Returns <see cref="Done{T}"/> of <see cref="Merged"/>, <see cref="Invalid"/> (on OtherId: nobody chosen, the same
/// person twice, or people at two companies), <see cref="NotFound"/> when either is gone or merged already,
/// <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Current"/> when either changed since the
/// caller's page was shown.
/// </summary>
public sealed class MergePeople(LeadsDbContext db, IValidator<MergePeople.Input> validator, TimeProvider clock)
{
    /// <param name="KeepId">The person who stays.</param>
    /// <param name="OtherId">The person who merges into them and goes.</param>
    /// <param name="KeepVersion">The kept person's version the caller saw.</param>
    /// <param name="OtherVersion">The other person's version the caller saw (unused while nobody is chosen).</param>
    public sealed record Input(int KeepId, int? OtherId, long KeepVersion, long OtherVersion);

    /// <summary>The two people's versions as they stand after someone else's change.</summary>
    public sealed record Current(int KeepId, long KeepVersion, int OtherId, long OtherVersion);

    public const string ChangedMeanwhile = "Someone changed one of the two people while you were looking, so nothing was merged. " +
        "Here they are as they stand now: check and merge again if you still mean to.";

    public sealed record Merged(int PersonId, int CompanyId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.OtherId).NotNull().WithMessage("Choose the other person.")
                .NotEqual(x => x.KeepId).WithMessage("Choose two different people.");
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
                var keep = await db.People.SingleOrDefaultAsync(p => p.Id == input.KeepId && p.DeletedAtUtc == null, ct);
                var other = await db.People.SingleOrDefaultAsync(p => p.Id == input.OtherId && p.DeletedAtUtc == null, ct);
                if (keep is null || other is null)
                {
                    return new NotFound("One of the two people has been removed or merged meanwhile.");
                }
                if (keep.CompanyId != other.CompanyId)
                {
                    return new Invalid(nameof(Input.OtherId), "Only people at the same company can be merged; merge the companies first.");
                }
                if (await CompanyAccess.RefusalAsync(db, keep.CompanyId, caller, ct) is { } refused)
                {
                    return refused;
                }
                if (keep.Version != input.KeepVersion || other.Version != input.OtherVersion)
                {
                    return Stale(input, keep.Version, other.Version);
                }
                await Merging.MergePeopleAsync(db, keep, other, caller.Actor, clock.GetUtcNow().UtcDateTime, ct);
                return new Done<Merged>(new(keep.Id, keep.CompanyId, "Merged."));
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
        {
            // Another instance saved one of them after the read above: the transaction rolled back whole.
            db.ChangeTracker.Clear();
            var versions = await db.People.AsNoTracking().Where(p => p.Id == input.KeepId || p.Id == input.OtherId)
                .ToDictionaryAsync(p => p.Id, p => p.Version, cancellationToken);
            return Stale(input, versions.GetValueOrDefault(input.KeepId), versions.GetValueOrDefault(input.OtherId!.Value));
        }
    }

    private static Conflict<Current> Stale(Input input, long keepVersion, long otherVersion) =>
        new(new(input.KeepId, keepVersion, input.OtherId!.Value, otherVersion), ChangedMeanwhile);
}
