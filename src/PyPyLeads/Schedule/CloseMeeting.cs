using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Close a planned meeting: it was held (with what came of it) or it is cancelled (with why); either goes on the
/// company's timeline. Admins may, and members while its company is their consultancy's or unassigned (<see cref="StatusChange"/>).
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>, or
/// <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (no longer planned, or changed since the form was loaded).
/// </summary>
public sealed class CloseMeeting(LeadsDbContext db, IValidator<CloseMeeting.Input> validator, StatusChange change)
{
    /// <param name="To">Held or cancelled.</param>
    /// <param name="Outcome">What came of it, or why it is cancelled.</param>
    public sealed record Input(int Id, MeetingStatus To, string? Outcome, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.To).Must(to => to is MeetingStatus.Held or MeetingStatus.Cancelled).WithMessage("A meeting is closed as held or cancelled.");
            RuleFor(x => x.Outcome).NotEmpty().WithMessage("Write down what came of it.").MaximumLength(4000).WithMessage("Use at most 4,000 characters.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var (meeting, refused) = await change.MeetingAsync(input.Id, caller, input.To, input.Version, ct);
            if (meeting is null)
            {
                return refused!;
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            meeting.Status = input.To;
            meeting.Outcome = input.Outcome!.Trim();
            return await change.SaveAsync(meeting, caller, "meeting." + input.To.ToString().ToLowerInvariant(),
                input.To == MeetingStatus.Held ? $"{meeting.Kind} held at {meeting.PlaceName}" : $"{meeting.Kind} cancelled", input.Outcome, ct);
        }, cancellationToken);
}
