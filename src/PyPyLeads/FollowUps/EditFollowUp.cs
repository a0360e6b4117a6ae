using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// Reschedule an open follow-up, change its note or hand it to someone else, from the version the caller saw. A new
/// due time is a new reminder and must fall before the Eurostars end; an unchanged one is not checked again (it may
/// have passed: that is why it is being edited). Its owner, whoever scheduled it, and admins may.
/// Returns <see cref="Done{T}"/> of <see cref="Saved"/>, <see cref="Invalid"/>, <see cref="NotFound"/>,
/// <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="FollowUpChanges.Current"/> when someone
/// changed it since the caller read it.
/// </summary>
public sealed class EditFollowUp(FollowUpChanges changes, FollowUpScheduler scheduler, FollowUpDeadlines deadlines, IValidator<EditFollowUp.Input> validator)
{
    public const string ChangedWhileEditing = "Someone else changed this follow-up while you were editing it. Their version is shown below; " +
        "your changes are still in the form: save again to replace theirs.";

    /// <param name="Version">The follow-up's version the caller saw.</param>
    /// <param name="DueAtUtc">Null when the form did not name a time (it is refused).</param>
    public sealed record Input(int FollowUpId, long Version, string? OwnerUserId, DateTime? DueAtUtc, string? Note);

    public sealed record Saved(int FollowUpId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            RuleFor(x => x.OwnerUserId).FollowUpOwner(db);
            RuleFor(x => x.DueAtUtc).NotNull().WithMessage("Enter when to follow up.");
            RuleFor(x => x.Note).FollowUpNote();
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        changes.RunAsync(input.FollowUpId, input.Version, caller, async (followUp, ct) =>
        {
            var errors = new List<FieldError>();
            if (!followUp.IsOpen)
            {
                errors.Add(new("", $"This follow-up is already {followUp.State.ToString().ToLowerInvariant()}: schedule a new one instead."));
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                errors.AddRange(invalid.Errors);
            }
            else if (input.DueAtUtc != followUp.DueAtUtc && deadlines.Check(input.DueAtUtc!.Value) is { } problem)
            {
                errors.Add(new(nameof(Input.DueAtUtc), problem));
            }
            if (errors.Count > 0)
            {
                return new Invalid(errors);
            }
            await scheduler.StageUpdateAsync(followUp, input.DueAtUtc!.Value, input.Note, input.OwnerUserId!, caller.Actor, ct);
            return null;
        }, f => new Done<Saved>(new(f.Id, "Follow-up saved.")), cancellationToken, conflict: ChangedWhileEditing);
}
