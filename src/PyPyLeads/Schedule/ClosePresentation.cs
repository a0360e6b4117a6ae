using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Close a presentation request: decline it (a requested one: the team will not present) or cancel it (requested or
/// scheduled: it will not take place), always saying why, which goes on the company's timeline. Admins may, and members while its company is their consultancy's or unassigned (<see cref="StatusChange"/>).
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>, or
/// <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (not allowed from its status now, or changed since the form was loaded).
/// </summary>
public sealed class ClosePresentation(LeadsDbContext db, IValidator<ClosePresentation.Input> validator, StatusChange change)
{
    /// <param name="To">Declined or cancelled.</param>
    /// <param name="Version">The request's version when the form was loaded.</param>
    public sealed record Input(int Id, PresentationStatus To, string? Reason, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.To).Must(to => to is PresentationStatus.Declined or PresentationStatus.Cancelled).WithMessage("A request is closed as declined or cancelled.");
            RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why.").MaximumLength(2000).WithMessage("Use at most 2,000 characters.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var (request, refused) = await change.PresentationAsync(input.Id, caller, input.To, input.Version, ct);
            if (request is null)
            {
                return refused!;
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            var to = input.To.ToString().ToLowerInvariant();
            request.Status = input.To;
            request.Reason = input.Reason!.Trim();
            return await change.SaveAsync(request, caller, "presentation." + to, "Presentation request " + to, input.Reason, ct);
        }, cancellationToken);
}
