using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.Web.Features.Schedule;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Team;

/// <summary>Admins keep who is where (stays) and who attends which tour stop: the data clash detection reads.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("team")]
public sealed class TeamController(LeadsDbContext db) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await Page(null, null, cancellationToken));

    [HttpPost("stays")]
    public async Task<IActionResult> AddStay(StayForm form, CancellationToken cancellationToken)
    {
        if (!await db.TeamMembers.AnyAsync(m => m.Id == form.TeamMemberId, cancellationToken))
        {
            ModelState.AddModelError(nameof(form.TeamMemberId), "Choose a team member.");
        }
        if (!ModelState.IsValid)
        {
            return View("Index", await Page(form, null, cancellationToken));
        }
        db.TeamStays.Add(new TeamStay { TeamMemberId = form.TeamMemberId, Area = form.Area!, FromUtc = form.FromUtc(), ToUtc = form.ToUtc() });
        await db.SaveChangesAsync(cancellationToken);
        return Redirect("/team");
    }

    [HttpPost("stays/{id:int}")]
    public async Task<IActionResult> EditStay(int id, StayForm form, CancellationToken cancellationToken)
    {
        var stay = await db.TeamStays.FindAsync([id], cancellationToken);
        if (stay is null)
        {
            return NotFound();
        }
        if (!ModelState.IsValid)
        {
            return View("Index", await Page(form, id, cancellationToken));
        }
        if (stay.Version != form.Version)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return View("Index", await Page(null, null, cancellationToken) with { Message = "Someone changed that stay meanwhile; here it is as it is now." });
        }
        stay.Area = form.Area!;
        stay.FromUtc = form.FromUtc();
        stay.ToUtc = form.ToUtc();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            Response.StatusCode = StatusCodes.Status409Conflict;
            return View("Index", await Page(null, null, cancellationToken) with { Message = "Someone changed that stay meanwhile; here it is as it is now." });
        }
        return Redirect("/team");
    }

    [HttpPost("stays/{id:int}/delete")]
    public async Task<IActionResult> DeleteStay(int id, CancellationToken cancellationToken)
    {
        await db.TeamStays.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        return Redirect("/team");
    }

    [HttpPost("stops/{id:int}/attendees")]
    public async Task<IActionResult> Attendees(int id, List<int> teamMemberIds, CancellationToken cancellationToken)
    {
        if (!await db.TourStops.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return NotFound();
        }
        var valid = await db.TeamMembers.Where(m => teamMemberIds.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.TourStopAttendees.Where(a => a.TourStopId == id).ExecuteDeleteAsync(cancellationToken);
        db.TourStopAttendees.AddRange(valid.Select(m => new TourStopAttendee { TourStopId = id, TeamMemberId = m }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Redirect("/team");
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

public sealed class StayForm
{
    public int TeamMemberId { get; set; }
    public string? Area { get; set; } = TourAreas.BayArea;
    public DateTime? FromLocal { get; set; }
    public DateTime? ToLocal { get; set; }
    public long Version { get; set; }

    // Methods, not properties: MVC's validation walks properties, and these only exist once the form is valid.
    public DateTime FromUtc() => Zones.ToUtc(FromLocal!.Value, TourAreas.ZoneOf(Area!));

    public DateTime ToUtc() => Zones.ToUtc(ToLocal!.Value, TourAreas.ZoneOf(Area!));

    public static StayForm From(TeamStay stay) => new()
    {
        TeamMemberId = stay.TeamMemberId, Area = stay.Area, Version = stay.Version,
        FromLocal = Zones.ToLocal(stay.FromUtc, TourAreas.ZoneOf(stay.Area)), ToLocal = Zones.ToLocal(stay.ToUtc, TourAreas.ZoneOf(stay.Area)),
    };
}

public sealed class StayFormValidator : AbstractValidator<StayForm>
{
    public StayFormValidator()
    {
        RuleFor(x => x.Area).Must(TourAreas.Exists).WithMessage("Choose the Bay Area or Atlanta.");
        RuleFor(x => x.FromLocal).NotNull().WithMessage("Enter when the stay begins.")
            .InclusiveBetween(new DateTime(2000, 1, 1), new DateTime(2100, 1, 1)).WithMessage("Enter a date between 2000 and 2100.");
        RuleFor(x => x.ToLocal).NotNull().WithMessage("Enter when the stay ends.")
            .InclusiveBetween(new DateTime(2000, 1, 1), new DateTime(2100, 1, 1)).WithMessage("Enter a date between 2000 and 2100.")
            .GreaterThan(x => x.FromLocal).When(x => x.FromLocal is not null).WithMessage("The end must be after the beginning.");
    }
}

public sealed record StayRow(int Id, string Member, string Area, StayForm Form);

public sealed record StopRow(int Id, string Name, IReadOnlyList<int> Attendees);

public sealed record TeamPage(IReadOnlyList<TeamMemberChoice> Team, IReadOnlyList<StayRow> Stays, IReadOnlyList<StopRow> Stops, StayForm? InvalidForm, int? InvalidStayId, string? Message);
