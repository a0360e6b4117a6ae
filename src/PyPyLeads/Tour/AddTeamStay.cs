using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Submissions;
using PyPyLeads.UseCases;

namespace PyPyLeads.Tour;

/// <summary>
/// Record where a team member is from when to when: clash detection warns when someone is booked outside their
/// stays. Only admins keep the stays.
/// Returns <see cref="Done{T}"/> of <see cref="Added"/>, <see cref="Invalid"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class AddTeamStay(LeadsDbContext db, IValidator<AddTeamStay.Input> validator, SubmissionStore submissions)
{
    /// <param name="FromLocal">Local time in the area's zone, as <paramref name="ToLocal"/>.</param>
    public sealed record Input(int TeamMemberId, string? Area, DateTime? FromLocal, DateTime? ToLocal) : IStayTimes
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Added(int StayId);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            Include(new StayTimesValidator());
            RuleFor(x => x.TeamMemberId).MustAsync((id, ct) => db.TeamMembers.AnyAsync(m => m.Id == id, ct)).WithMessage("Choose a team member.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(AddTeamStay), input.SubmissionKey);
        return submissions.OnceAsync<Added>(once, () => AddAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> AddAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins keep who is where.");
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var (fromUtc, toUtc) = StayTimesValidator.Instants(input);
        return await submissions.InTransactionAsync<Added>(once, async ct =>
        {
            var stay = new TeamStay { TeamMemberId = input.TeamMemberId, Area = input.Area!, FromUtc = fromUtc, ToUtc = toUtc };
            db.TeamStays.Add(stay);
            await db.SaveChangesAsync(ct);
            return new Done<Added>(new(stay.Id));
        }, cancellationToken);
    }
}
