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
/// unassigned), since a merge moves the other's deals, people and history.
/// Returns <see cref="Done{T}"/> of <see cref="Merged"/>, <see cref="Invalid"/> (the same company twice, on OtherId),
/// <see cref="NotFound"/> when either is gone or merged already, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Input"/>
/// (nothing merged, try the same again) when a concurrent change made the database refuse it.
/// </summary>
public sealed class MergeCompanies(LeadsDbContext db, IValidator<MergeCompanies.Input> validator, TimeProvider clock, ILogger<MergeCompanies> logger)
{
    /// <param name="KeepId">The company that stays.</param>
    /// <param name="OtherId">The company that merges into it and goes.</param>
    public sealed record Input(int KeepId, int OtherId);

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
                var result = await Merging.MergeCompaniesAsync(db, keep, other, caller.Actor, clock.GetUtcNow().UtcDateTime, ct);
                logger.LogInformation("{User} merged company {Other} into {Keep}", caller.Name, other.Id, keep.Id);
                return new Done<Merged>(new(keep.Id, result,
                    $"Merged. Everything attached to the other company is here now ({result.Encounters} encounters, {result.TimelineEntries} timeline entries)."));
            }, cancellationToken);
        }
        catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return new Conflict<Input>(input, "Someone changed one of the two companies meanwhile. Nothing was merged; try again.");
        }
    }

    private Task<Company?> LiveWithPeopleAsync(int id, CancellationToken cancellationToken) =>
        db.Companies.Include(c => c.People.Where(p => p.DeletedAtUtc == null)).SingleOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken);
}
