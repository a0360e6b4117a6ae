using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Deliver a presentation: a scheduled one took place, with how many came and notes. Admins may, and members while its company is their consultancy's or unassigned (<see cref="StatusChange"/>).
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>, or
/// <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (not scheduled, or changed since the form was loaded).
/// </summary>
public sealed class DeliverPresentation(LeadsDbContext db, IValidator<DeliverPresentation.Input> validator, StatusChange change)
{
    public sealed record Input(int Id, int? Attendance, string? Notes, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.Attendance).NotNull().WithMessage("Enter how many people came.")
                .InclusiveBetween(0, 100_000).WithMessage("Enter a number from 0 to 100,000.");
            RuleFor(x => x.Notes).MaximumLength(4000).WithMessage("Use at most 4,000 characters.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var (request, refused) = await change.PresentationAsync(input.Id, caller, PresentationStatus.Delivered, input.Version, ct);
            if (request is null)
            {
                return refused!;
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            request.Status = PresentationStatus.Delivered;
            request.Attendance = input.Attendance;
            request.OutcomeNotes = input.Notes;
            return await change.SaveAsync(request, caller, "presentation.delivered", $"Presentation delivered to {input.Attendance} people", input.Notes, ct);
        }, cancellationToken);
}
