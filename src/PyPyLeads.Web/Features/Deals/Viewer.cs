using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Features.Deals;

/// <summary>The signed-in user as the deal pages need them: who they are, their consultancy, their zone.</summary>
public sealed record Viewer(string Id, string Name, int? ConsultancyId, bool IsAdmin, string TimeZoneId)
{
    /// <summary>
    /// Whether to offer the controls that change a deal: members of its consultancy and admins, the rule the use cases
    /// hold (<see cref="Caller.MayChange"/>).
    /// </summary>
    public bool CanEdit(int consultancyId) => AsCaller().MayChange(consultancyId);

    public static async Task<Viewer> LoadAsync(LeadsDbContext db, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new { u.DisplayName, u.ConsultancyId, u.TimeZoneId }).SingleAsync(cancellationToken);
        return new Viewer(id, user.DisplayName, user.ConsultancyId, principal.IsInRole(Roles.Admin), user.TimeZoneId);
    }

    /// <summary>The signed-in user as a use case's caller gives them.</summary>
    public static Viewer Of(Caller caller) => new(caller.UserId, caller.Name, caller.ConsultancyId, caller.IsAdmin, caller.TimeZoneId);

    public Caller AsCaller() => new(Id, Name, IsAdmin, ConsultancyId, TimeZoneId);

    /// <summary>An instant in the viewer's zone, with the zone named.</summary>
    public string Time(DateTime utc) => DealText.Time(utc, TimeZoneId);

    public DateOnly Today(TimeProvider clock) => Zones.Today(clock, TimeZoneId);
}

public static class Show
{
    public static string Date(DateOnly date) => DealText.Date(date);

    public static string Value(long? minor, string currency) => DealText.Value(minor, currency);

    public static string Consultancy(int? id) => PyPyLeads.Tour.Consultancy.Describe(id);

    /// <summary>A CSS class per consultancy, for the chart's bars and the cards' edge.</summary>
    public static string ConsultancyClass(int id) => id switch
    {
        PyPyLeads.Tour.Consultancy.OpenEndId => "c-openend",
        PyPyLeads.Tour.Consultancy.MerlinuxId => "c-merlinux",
        _ => "c-other",
    };
}
