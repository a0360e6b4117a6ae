using PyPyLeads.Schedule;
using PyPyLeads.Web.Features.Schedule;

namespace PyPyLeads.Web.Features.Meetings;

/// <summary>
/// A lunch, dinner or other meeting: with which company and people, when, where, and who from the team. The rules are
/// <see cref="ScheduleMeeting"/>'s and <see cref="RescheduleMeeting"/>'s.
/// </summary>
public sealed class MeetingForm : WhenAndWhere
{
    public int? CompanyId { get; set; }
    public string? CompanyName { get; set; }
    public MeetingKind Kind { get; set; } = MeetingKind.Lunch;
    public string? PlaceAddress { get; set; }
    public List<int> PersonIds { get; set; } = [];
    public long Version { get; set; }

    public ScheduleMeeting.Input ToNew() =>
        new(CompanyId, CompanyName, Kind, Area, Place, PlaceAddress, StartsLocal, EndsLocal, TeamMemberIds, PersonIds, ConfirmClashes);

    public RescheduleMeeting.Input ToReschedule(int id) =>
        new(id, Kind, Area, Place, PlaceAddress, StartsLocal, EndsLocal, TeamMemberIds, PersonIds, ConfirmClashes, Version);
}

/// <summary>Held (what came of it) or cancelled (why); the rules are <see cref="CloseMeeting"/>'s.</summary>
public sealed class OutcomeForm
{
    public string? Outcome { get; set; }
    public long Version { get; set; }
}
