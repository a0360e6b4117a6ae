using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Tour;

namespace PyPyLeads.Web.Features.Team;

/// <summary>A tour stop: its local days or its start (UTC) with the IANA zone of its city.</summary>
public sealed record TourStopResource(int Id, int Sequence, string Name, TourStopKind Kind, string Venue, string? Address, string City, string TimeZone,
    DateOnly? FirstDay, DateOnly? LastDay, DateTime? StartsAt, bool OpenToPublic, string? Url);

/// <summary>A member of the PyPy team (presenters and meeting attendees are named by these ids).</summary>
public sealed record TeamMemberResource(int Id, string Name, int? ConsultancyId, string? Consultancy);

/// <summary>The tour and the team, read-only: the ids the other endpoints take (tourStopId, teamMemberIds).</summary>
public static class TourApi
{
    public static void MapTourApi(this RouteGroupBuilder api)
    {
        api.MapGet("/tour-stops", async (LeadsDbContext db, CancellationToken cancellationToken) => TypedResults.Ok(
                (await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).ToListAsync(cancellationToken))
                .Select(s => new TourStopResource(s.Id, s.Sequence, s.Name, s.Kind, s.Venue, s.Address, s.City, s.TimeZoneId, s.FirstDay, s.LastDay, s.StartsAtUtc,
                    s.OpenToPublic, s.Url)).ToList()))
            .WithTags("Tour and team").WithName("ListTourStops").WithSummary("The tour's stops, in order")
            .Produces<List<TourStopResource>>();
        api.MapGet("/team", async (LeadsDbContext db, CancellationToken cancellationToken) => TypedResults.Ok(
                (await db.TeamMembers.AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken))
                .Select(t => new TeamMemberResource(t.Id, t.Name, t.ConsultancyId, t.ConsultancyId is { } c ? Consultancy.Describe(c) : null)).ToList()))
            .WithTags("Tour and team").WithName("ListTeam").WithSummary("The PyPy team")
            .Produces<List<TeamMemberResource>>();
    }
}
