using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// Schedule a meeting (a lunch, a dinner...) with a company: a known one by its id, or one typed by name, which the
/// duplicate rules find or which is created. Checked for clashes first; on the company's timeline. Admins may, and
/// members with a new or unassigned company or one of their consultancy's (<see cref="CompanyAccess"/>).
/// Returns <see cref="Done{T}"/> of <see cref="Scheduled"/>, <see cref="Invalid"/>, <see cref="NotAllowed"/> (on the company name), or <see cref="DuplicatesFound{T}"/> of
/// <see cref="Clash"/> (nothing saved: send again with ConfirmClashes to book it anyway).
/// </summary>
public sealed class ScheduleMeeting(LeadsDbContext db, IValidator<ScheduleMeeting.Input> validator, ClashDetector clashes, TimeProvider clock, SubmissionStore submissions)
{
    /// <param name="CompanyId">The company, when the meeting is planned from its page; else <paramref name="CompanyName"/> is typed.</param>
    /// <param name="PersonIds">Their people who come: only the company's own count (and only when it is given by id).</param>
    public sealed record Input(
        int? CompanyId, string? CompanyName, MeetingKind Kind, string? Area, string? Place, string? PlaceAddress,
        DateTime? StartsLocal, DateTime? EndsLocal, IReadOnlyList<int> TeamMemberIds, IReadOnlyList<int> PersonIds, bool ConfirmClashes)
        : IMeetingDetails
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Scheduled(int Id, int CompanyId);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            this.AddMeetingRules(db);
            RuleFor(x => x.CompanyName).NotEmpty().When(x => x.CompanyId is null).WithMessage("Enter the company you meet.")
                .MaximumLength(200).WithMessage("Use at most 200 characters.");
            RuleFor(x => x.CompanyId).MustAsync((id, ct) => db.Companies.AnyAsync(c => c.Id == id && c.DeletedAtUtc == null, ct))
                .When(x => x.CompanyId is not null).OverridePropertyName(nameof(Input.CompanyName)).WithMessage("That company no longer exists; type its name.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(ScheduleMeeting), input.SubmissionKey);
        return submissions.OnceAsync<Scheduled>(once, () => ScheduleAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> ScheduleAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        return await submissions.InTransactionAsync<Scheduled>(once, async ct =>
        {
            var found = await clashes.FindAsync(input.Booking(), ct);
            if (found.Count > 0 && !input.ConfirmClashes)
            {
                return WhenAndWhereRules.Clashes(found);
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var company = input.CompanyId is { } id
                ? await db.Companies.SingleAsync(c => c.Id == id, ct)
                : await RequestingCompany.FindOrCreateAsync(db, input.CompanyName!, null, null, LeadSource.Other, now, caller.UserId, ct);
            if (CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId) is { } refused)
            {
                return refused;
            }
            var meeting = new Meeting
            {
                Company = company, CompanyId = company.Id, Area = "", PlaceName = "", Status = MeetingStatus.Planned, CreatedAtUtc = now, CreatedByUserId = caller.UserId,
            };
            await (input.CompanyId is null ? input with { PersonIds = [] } : input).CopyToAsync(meeting, db, ct);
            db.Meetings.Add(meeting);
            await db.SaveChangesAsync(ct); // the timeline entry names the meeting by its id
            db.Timeline.Add(TimelineEntry.For(company.Id, "meeting.planned",
                $"{meeting.Kind} planned for {TourAreas.Describe(meeting.StartsAtUtc, meeting.EndsAtUtc, meeting.Area)} at {meeting.PlaceName}",
                WhenAndWhereRules.BookedDespite(found), caller.Actor, now, nameof(Meeting), meeting.Id));
            await db.SaveChangesAsync(ct);
            return new Done<Scheduled>(new(meeting.Id, company.Id));
        }, cancellationToken);
    }
}
