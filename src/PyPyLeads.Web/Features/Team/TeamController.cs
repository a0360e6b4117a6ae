using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Schedule;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Team;

/// <summary>Admins keep who is where (stays) and who attends which tour stop: the data clash detection reads.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("team")]
public sealed class TeamController(
    LeadsDbContext db) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await Page(null, null, cancellationToken));

    [HttpPost("stays")]
    public async Task<IActionResult> AddStay(StayForm form, string? submissionKey, [FromServices] AddTeamStay addStay, CancellationToken cancellationToken)
    {
        var outcome = await addStay.RunAsync(new AddTeamStay.Input(form.TeamMemberId, form.Area, form.FromLocal, form.ToLocal) { SubmissionKey = submissionKey },
            await User.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<AddTeamStay.Added>:
                return RedirectToAction(nameof(Index));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(nameof(Index), await Page(form, null, cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpPost("stays/{id:int}")]
    public async Task<IActionResult> EditStay(int id, StayForm form, [FromServices] EditTeamStay editStay, CancellationToken cancellationToken)
    {
        var outcome = await editStay.RunAsync(new EditTeamStay.Input(id, form.Area, form.FromLocal, form.ToLocal, form.Version),
            await User.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<EditTeamStay.Saved>:
                return RedirectToAction(nameof(Index));
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(nameof(Index), await Page(form, id, cancellationToken));
            case Conflict<EditTeamStay.Current> conflict:
                Response.StatusCode = StatusCodes.Status409Conflict;
                return View(nameof(Index), await Page(null, null, cancellationToken) with { Message = conflict.Message });
            default:
                return this.Refused(outcome);
        }
    }

    [HttpPost("stays/{id:int}/delete")]
    public async Task<IActionResult> DeleteStay(int id, [FromServices] DeleteTeamStay deleteStay, CancellationToken cancellationToken)
    {
        var outcome = await deleteStay.RunAsync(new DeleteTeamStay.Input(id), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<DeleteTeamStay.Removed> ? RedirectToAction(nameof(Index)) : this.Refused(outcome);
    }

    [HttpPost("stops/{id:int}/attendees")]
    public async Task<IActionResult> Attendees(int id, List<int> teamMemberIds, [FromServices] ChooseTourStopAttendees chooseAttendees, CancellationToken cancellationToken)
    {
        var outcome = await chooseAttendees.RunAsync(new ChooseTourStopAttendees.Input(id, teamMemberIds), await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<ChooseTourStopAttendees.Chosen> ? RedirectToAction(nameof(Index)) : this.Refused(outcome);
    }

    private async Task<TeamPage> Page(StayForm? invalidForm, int? invalidStayId, CancellationToken cancellationToken)
    {
        var team = await Engagements.TeamAsync(db, cancellationToken);
        var stays = await db.TeamStays.AsNoTracking().OrderBy(s => s.TeamMemberId).ThenBy(s => s.FromUtc).ToListAsync(cancellationToken);
        var stops = await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken);
        var attendees = await db.TourStopAttendees.AsNoTracking().ToListAsync(cancellationToken);
        return new TeamPage(
            team,
            stays.Select(s => new StayRow(s.Id, team.First(t => t.Id == s.TeamMemberId).Name, s.Area, StayForm.From(s))).ToList(),
            stops.Select(s => new StopRow(s.Id, s.Name, attendees.Where(a => a.TourStopId == s.Id).Select(a => a.TeamMemberId).ToList())).ToList(),
            invalidForm, invalidStayId, null);
    }
}

/// <summary>A stay's fields, in the area's local time; the rules are <see cref="StayTimesValidator"/>'s.</summary>
public sealed class StayForm
{
    public int TeamMemberId { get; set; }
    public string? Area { get; set; } = TourAreas.BayArea;
    public DateTime? FromLocal { get; set; }
    public DateTime? ToLocal { get; set; }
    public long Version { get; set; }

    public static StayForm From(TeamStay stay) => new()
    {
        TeamMemberId = stay.TeamMemberId, Area = stay.Area, Version = stay.Version,
        FromLocal = Zones.ToLocal(stay.FromUtc, TourAreas.ZoneOf(stay.Area)), ToLocal = Zones.ToLocal(stay.ToUtc, TourAreas.ZoneOf(stay.Area)),
    };
}

public sealed record StayRow(int Id, string Member, string Area, StayForm Form);

public sealed record StopRow(int Id, string Name, IReadOnlyList<int> Attendees);

public sealed record TeamPage(IReadOnlyList<TeamMemberChoice> Team, IReadOnlyList<StayRow> Stays, IReadOnlyList<StopRow> Stops, StayForm? InvalidForm, int? InvalidStayId, string? Message);
