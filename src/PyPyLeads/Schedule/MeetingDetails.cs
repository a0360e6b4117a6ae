using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Schedule;

/// <summary>A meeting as planned: what kind, when and where, who from the team goes and whom of theirs they meet.</summary>
public interface IMeetingDetails : IWhenAndWhere
{
    MeetingKind Kind { get; }
    string? PlaceAddress { get; }
    IReadOnlyList<int> PersonIds { get; }
}

public static class MeetingDetails
{
    /// <summary>The rules planning and moving a meeting share.</summary>
    public static void AddMeetingRules<T>(this AbstractValidator<T> validator, LeadsDbContext db) where T : IMeetingDetails
    {
        validator.AddWhenAndWhereRules(db);
        validator.RuleFor(x => x.Kind).IsInEnum().WithMessage("Choose lunch, dinner or other.");
        validator.RuleFor(x => x.Place).NotEmpty().WithMessage("Enter where you meet (a restaurant, an office...).");
        validator.RuleFor(x => x.PlaceAddress).MaximumLength(300).WithMessage("Use at most 300 characters.");
        validator.RuleFor(x => x.TeamMemberIds).NotEmpty().WithMessage("Choose who from the team goes.");
    }

    /// <summary>
    /// Copies the details onto the meeting (once they are valid). Of the people chosen, only the company's own live
    /// people are kept: another company's person, or a deleted one, is left out.
    /// </summary>
    public static async Task CopyToAsync(this IMeetingDetails details, Meeting meeting, LeadsDbContext db, CancellationToken cancellationToken)
    {
        meeting.Kind = details.Kind;
        meeting.Area = details.Area!;
        meeting.PlaceName = details.Place!.Trim();
        meeting.PlaceAddress = details.PlaceAddress;
        meeting.StartsAtUtc = details.StartsAtUtc();
        meeting.EndsAtUtc = details.EndsAtUtc();
        meeting.Team.Clear();
        meeting.Team.AddRange(details.TeamMemberIds.Distinct().Select(t => new MeetingTeamMember { TeamMemberId = t }));
        var personIds = await db.People.Where(p => p.CompanyId == meeting.CompanyId && p.DeletedAtUtc == null && details.PersonIds.Contains(p.Id))
            .Select(p => p.Id).ToListAsync(cancellationToken);
        meeting.People.Clear();
        meeting.People.AddRange(personIds.Select(p => new MeetingPerson { PersonId = p }));
    }
}
