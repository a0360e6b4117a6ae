using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// Schedule a follow-up with a company (optionally about one of its deals, meetings or presentation requests), for
/// anyone, before the Eurostars end; it reminds its owner by e-mail and bell at its time. Admins may, and members
/// on their consultancy's or unassigned companies (<see cref="Companies.CompanyAccess"/>).
/// (Forms that save a follow-up with something else, such as log a contact, stage it with
/// <see cref="FollowUpScheduler.StageAsync"/> in their own transaction.)
/// Returns <see cref="Done{T}"/> of <see cref="Scheduled"/>, <see cref="Invalid"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class ScheduleFollowUp(LeadsDbContext db, FollowUpScheduler scheduler, IValidator<ScheduleFollowUp.Input> validator, SubmissionStore submissions)
{
    /// <param name="DueAtUtc">Null when the form did not name a time (it is refused).</param>
    public sealed record Input(int CompanyId, string? SubjectType, int? SubjectId, string? OwnerUserId, DateTime? DueAtUtc, string? Note)
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Scheduled(int FollowUpId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db, FollowUpDeadlines deadlines)
        {
            RuleFor(x => x.CompanyId)
                .MustAsync(async (id, ct) => await db.Companies.AnyAsync(c => c.Id == id && c.DeletedAtUtc == null, ct))
                .WithMessage("That company does not exist (or was deleted).");
            RuleFor(x => x.SubjectType)
                .Must(t => t is null || FollowUpSubjects.All.Contains(t)).WithMessage("A follow-up can be about a deal, a meeting or a presentation request.");
            RuleFor(x => x.SubjectId).NotNull().When(x => x.SubjectType is not null).WithMessage("Say which one.");
            RuleFor(x => x.OwnerUserId).FollowUpOwner(db);
            RuleFor(x => x.DueAtUtc).NotNull().WithMessage("Enter when to follow up.")
                .Custom((due, context) =>
                {
                    if (due is { } at && deadlines.Check(at) is { } problem)
                    {
                        context.AddFailure(problem);
                    }
                });
            RuleFor(x => x.Note).FollowUpNote();
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(ScheduleFollowUp), input.SubmissionKey);
        return submissions.OnceAsync<Scheduled>(once, () => ScheduleAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> ScheduleAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        // Refused before the form is judged (a company that does not exist is the validator's to say), and again in the transaction.
        if (await Companies.CompanyAccess.RefusalAsync(db, input.CompanyId, caller, cancellationToken) is NotAllowed refused)
        {
            return refused;
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        FollowUp? followUp = null;
        var outcome = await submissions.InTransactionAsync<Scheduled>(once, async ct =>
        {
            if (await Companies.CompanyAccess.RefusalAsync(db, input.CompanyId, caller, ct) is NotAllowed refusedNow)
            {
                return refusedNow;
            }
            try
            {
                followUp = await scheduler.StageAsync(new NewFollowUp(input.CompanyId, input.OwnerUserId!, input.DueAtUtc!.Value, input.Note, input.SubjectType, input.SubjectId),
                    caller.Actor, ct);
            }
            catch (FollowUpRuleException ex)
            {
                // The clock moved on since the check, or the company or the owner went away.
                return new Invalid(ex.Field == "DueLocal" ? nameof(Input.DueAtUtc) : ex.Field, ex.Message);
            }
            await scheduler.SaveAsync(ct);
            return new Done<Scheduled>(new(followUp.Id, "Follow-up scheduled."));
        }, cancellationToken);
        if (outcome is Done<Scheduled>)
        {
            await scheduler.ScheduleJobAsync(followUp!, cancellationToken);
        }
        return outcome;
    }
}
