using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Reschedule a planned meeting: move it or change what it is, where, who goes. Checked for clashes first (not with
/// itself). The company stays the same. Admins may, and members while its company is their consultancy's or unassigned (<see cref="StatusChange"/>).
/// Returns <see cref="Done{T}"/> of <see cref="StatusChange.Changed"/>, <see cref="Invalid"/>, <see cref="NotFound"/>, <see cref="NotAllowed"/>,
/// <see cref="DuplicatesFound{T}"/> of <see cref="Clash"/> (nothing saved: send again with ConfirmClashes to book it anyway),
/// or <see cref="Conflict{T}"/> of <see cref="StatusChange.Current"/> (no longer planned, or changed since the form was loaded).
/// </summary>
public sealed class RescheduleMeeting(LeadsDbContext db, IValidator<RescheduleMeeting.Input> validator, StatusChange change, ClashDetector clashes)
{
    /// <param name="Version">The meeting's version when the form was loaded.</param>
    public sealed record Input(
        int Id, MeetingKind Kind, string? Area, string? Place, string? PlaceAddress, DateTime? StartsLocal, DateTime? EndsLocal,
        IReadOnlyList<int> TeamMemberIds, IReadOnlyList<int> PersonIds, bool ConfirmClashes, long Version) : IMeetingDetails;

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db) => this.AddMeetingRules(db);
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var (meeting, refused) = await change.MeetingAsync(input.Id, caller, MeetingStatus.Planned, input.Version, ct);
            if (meeting is null)
            {
                return refused!;
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            var found = await clashes.FindAsync(input.Booking() with { MeetingId = meeting.Id }, ct);
            if (found.Count > 0 && !input.ConfirmClashes)
            {
                return WhenAndWhereRules.Clashes(found);
            }
            await input.CopyToAsync(meeting, db, ct);
            // A change to the team or the people alone is a change to the meeting: its version moves on.
            db.Entry(meeting).State = EntityState.Modified;
            return await change.SaveAsync(meeting, caller, "meeting.rescheduled",
                $"{meeting.Kind} moved to {TourAreas.Describe(meeting.StartsAtUtc, meeting.EndsAtUtc, meeting.Area)} at {meeting.PlaceName}",
                WhenAndWhereRules.BookedDespite(found), ct);
        }, cancellationToken);
}
