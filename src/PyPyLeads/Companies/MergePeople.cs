using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Merge two people of one company who are the same person: the other's encounters move to the one kept, missing
/// details are filled from theirs (see <see cref="Merging.MergePeopleAsync"/>). Admins merge, and members at their
/// consultancy's or unassigned companies (<see cref="CompanyAccess"/>);
/// people at two companies are merged by merging the companies.
/// Returns <see cref="Done{T}"/> of <see cref="Merged"/>, <see cref="Invalid"/> (on OtherId: nobody chosen, the same
/// person twice, or people at two companies), <see cref="NotAllowed"/>, or <see cref="NotFound"/> when either is gone or merged already.
/// </summary>
public sealed class MergePeople(LeadsDbContext db, IValidator<MergePeople.Input> validator, TimeProvider clock)
{
    /// <param name="KeepId">The person who stays.</param>
    /// <param name="OtherId">The person who merges into them and goes.</param>
    public sealed record Input(int KeepId, int? OtherId);

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
            await Merging.MergePeopleAsync(db, keep, other, caller.Actor, clock.GetUtcNow().UtcDateTime, ct);
            return new Done<Merged>(new(keep.Id, keep.CompanyId, "Merged."));
        }, cancellationToken);
    }
}
