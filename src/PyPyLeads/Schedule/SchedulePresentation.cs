using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Schedule a presentation (or reschedule a scheduled one): when, where and who presents, checked for clashes first.
/// Admins may, and members while its company is their consultancy's or unassigned (<see cref="StatusChange"/>).
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>,
/// <see cref="DuplicatesFound{T}"/> of <see cref="Clash"/> (nothing saved: send again with ConfirmClashes to book it anyway),
/// or <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (it cannot be scheduled now, or changed since the form was loaded).
/// </summary>
public sealed class SchedulePresentation(LeadsDbContext db, IValidator<SchedulePresentation.Input> validator, StatusChange change, ClashDetector clashes)
{
    /// <param name="Area">A tour area; the times are local times there.</param>
    /// <param name="Version">The request's version when the form was loaded.</param>
    public sealed record Input(
        int Id, string? Area, string? Place, DateTime? StartsLocal, DateTime? EndsLocal, IReadOnlyList<int> TeamMemberIds, bool ConfirmClashes, long Version)
        : IWhenAndWhere;

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            this.AddWhenAndWhereRules(db);
            RuleFor(x => x.Place).NotEmpty().WithMessage("Enter where the presentation takes place.");
            RuleFor(x => x.TeamMemberIds).NotEmpty().WithMessage("Choose who presents.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var (request, refused) = await change.PresentationAsync(input.Id, caller, PresentationStatus.Scheduled, input.Version, ct);
            if (request is null)
            {
                return refused!;
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            var found = await clashes.FindAsync(input.Booking() with { PresentationId = request.Id }, ct);
            if (found.Count > 0 && !input.ConfirmClashes)
            {
                return WhenAndWhereRules.Clashes(found);
            }
            var rescheduled = request.Status == PresentationStatus.Scheduled;
            request.Status = PresentationStatus.Scheduled;
            request.Area = input.Area;
            request.Place = input.Place!.Trim();
            request.StartsAtUtc = input.StartsAtUtc();
            request.EndsAtUtc = input.EndsAtUtc();
            request.Presenters.Clear();
            request.Presenters.AddRange(input.TeamMemberIds.Distinct().Select(m => new PresentationPresenter { TeamMemberId = m }));
            var presenters = string.Join(", ", await db.TeamMembers.Where(m => input.TeamMemberIds.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Name).ToListAsync(ct));
            var when = TourAreas.Describe(request.StartsAtUtc, request.EndsAtUtc, request.Area);
            return await change.SaveAsync(request, caller, rescheduled ? "presentation.rescheduled" : "presentation.scheduled",
                $"Presentation {(rescheduled ? "moved to" : "scheduled for")} {when} at {request.Place}",
                $"Presenters: {presenters}" + (found.Count > 0 ? ". " + WhenAndWhereRules.BookedDespite(found) : ""), ct);
        }, cancellationToken);
}
