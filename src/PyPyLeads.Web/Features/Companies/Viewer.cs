using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.Timeline;

namespace PyPyLeads.Web.Features.Companies;

/// <summary>The signed-in user as the companies pages need them: who acts (for the timeline) and in which zone they read times.</summary>
public sealed record Viewer(string UserId, string Name, string TimeZoneId, bool IsAdmin)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public Actor Actor => new(UserId, Name);

    public static async Task<Viewer> LoadAsync(LeadsDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");
        var row = await NameAndZone(db, id, cancellationToken);
        return new Viewer(id, row.DisplayName, Zones.Exists(row.TimeZoneId) ? row.TimeZoneId : "UTC", user.IsInRole(PyPyLeads.Users.Roles.Admin));
    }

    // Every companies page asks: compiled once rather than translated again each time.
    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<NameZone>> NameAndZone =
        EF.CompileAsyncQuery((LeadsDbContext db, string id, CancellationToken _) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new NameZone(u.DisplayName, u.TimeZoneId)).Single());

    private sealed record NameZone(string DisplayName, string TimeZoneId);

    /// <summary>An instant in the viewer's zone, the zone named: "Thu 3 Mar 2011, 18:30 PST".</summary>
    public string Time(DateTime utc) =>
        Zones.ToLocal(utc, TimeZoneId).ToString("ddd d MMM yyyy, HH:mm", Invariant) + " " + Zones.Label(utc, TimeZoneId);
}
