using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Deliver a presentation: a scheduled one took place, with how many came and notes. Admins may, and members while its
/// company is their consultancy's or unassigned (<see cref="StatusChange"/>). Before its scheduled start on the app's
/// clock the caller must confirm it took place (<see cref="Input.ConfirmBeforeStart"/>): marking the wrong one
/// delivered days ahead is an easy slip.
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>, or
/// <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (not scheduled, or changed since the form was loaded).
/// </summary>
public sealed class DeliverPresentation(LeadsDbContext db, IValidator<DeliverPresentation.Input> validator, StatusChange change, TimeProvider clock)
{
    /// <param name="ConfirmBeforeStart">"It has taken place": required when its scheduled start has not come yet.</param>
    public sealed record Input(int Id, int? Attendance, string? Notes, long Version, bool ConfirmBeforeStart = false);

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
            if (request.StartsAtUtc > clock.GetUtcNow().UtcDateTime && !input.ConfirmBeforeStart)
            {
                return new Invalid(nameof(Input.ConfirmBeforeStart), NotYet(request));
            }
            request.Status = PresentationStatus.Delivered;
            request.Attendance = input.Attendance;
            request.OutcomeNotes = input.Notes;
            return await change.SaveAsync(request, caller, "presentation.delivered", $"Presentation delivered to {input.Attendance} people", input.Notes, ct);
        }, cancellationToken);

    /// <summary>What the page says when "Mark delivered" comes before the scheduled start.</summary>
    public static string NotYet(PresentationRequest request) =>
        $"It is scheduled for {TourAreas.Describe(request.StartsAtUtc, request.EndsAtUtc, request.Area)}, which has not come yet. " +
        "Tick “It has taken place” to mark it delivered anyway.";
}
