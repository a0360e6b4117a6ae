using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Cancel a presentation, requested or scheduled: it will not take place. Saying why is required; it goes on the
/// company's timeline. Any signed-in user may.
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, or
/// <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (not allowed from its status now, or changed since the form was loaded).
/// </summary>
public sealed class CancelPresentation(LeadsDbContext db, IValidator<CancelPresentation.Input> validator, StatusChange change)
{
    public sealed record Input(int Id, string? Reason, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why.").MaximumLength(2000).WithMessage("Use at most 2,000 characters.");
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var (request, refused) = await change.PresentationAsync(input.Id, PresentationStatus.Cancelled, input.Version, ct);
            if (request is null)
            {
                return refused!;
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            request.Status = PresentationStatus.Cancelled;
            request.Reason = input.Reason!.Trim();
            return await change.SaveAsync(request, caller, "presentation.cancelled", "Presentation request cancelled", input.Reason, ct);
        }, cancellationToken);
}
