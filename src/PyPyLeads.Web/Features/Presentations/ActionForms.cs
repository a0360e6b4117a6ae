using PyPyLeads.Schedule;
using PyPyLeads.Web.Features.Schedule;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>Schedules (or reschedules) a request: when, where and who presents. The rules are <see cref="SchedulePresentation"/>'s.</summary>
public sealed class ScheduleForm : WhenAndWhere
{
    public long Version { get; set; }

    public SchedulePresentation.Input ToInput(int id) => new(id, Area, Place, StartsLocal, EndsLocal, TeamMemberIds, ConfirmClashes, Version);
}

/// <summary>The rules are <see cref="DeliverPresentation"/>'s.</summary>
public sealed class DeliverForm
{
    public int? Attendance { get; set; }
    public string? Notes { get; set; }
    public long Version { get; set; }
    /// <summary>"It has taken place", asked for before the scheduled start.</summary>
    public bool ConfirmBeforeStart { get; set; }
}

/// <summary>Declining or cancelling says why; the rules are <see cref="ClosePresentation"/>'s.</summary>
public sealed class ReasonForm
{
    public string? Reason { get; set; }
    public long Version { get; set; }
}
