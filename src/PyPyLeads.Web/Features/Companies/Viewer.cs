using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Web.Features.Companies;

/// <summary>The signed-in user as the companies pages need them: who acts (for the timeline), in which zone they read times, what they may change.</summary>
public sealed record Viewer(string UserId, string Name, string TimeZoneId, bool IsAdmin, int? ConsultancyId, bool MayExportCompanies)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public Actor Actor => new(UserId, Name);

    /// <summary>Whether to offer the actions that change a company of <paramref name="consultancyId"/>: the use cases' rule, <see cref="Caller.MayChange"/>.</summary>
    public bool MayChange(int? consultancyId) => new Caller(UserId, Name, IsAdmin, ConsultancyId, TimeZoneId).MayChange(consultancyId);

    public static async Task<Viewer> LoadAsync(LeadsDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");
        var row = await NameAndZone(db, id, cancellationToken);
        return new Viewer(id, row.DisplayName, Zones.Exists(row.TimeZoneId) ? row.TimeZoneId : "UTC", user.IsInRole(PyPyLeads.Users.Roles.Admin), row.ConsultancyId,
            ExportCompanies.MayExport(user.IsInRole(PyPyLeads.Users.Roles.Admin), row.MayExportCompanies));
    }

    // Every companies page asks: compiled once rather than translated again each time.
    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<NameZone>> NameAndZone =
        EF.CompileAsyncQuery((LeadsDbContext db, string id, CancellationToken _) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new NameZone(u.DisplayName, u.TimeZoneId, u.ConsultancyId, u.MayExportCompanies)).Single());

    private sealed record NameZone(string DisplayName, string TimeZoneId, int? ConsultancyId, bool MayExportCompanies);

    /// <summary>An instant in the viewer's zone, the zone named: "Thu 3 Mar 2011, 18:30 PST".</summary>
    public string Time(DateTime utc) =>
        Zones.ToLocal(utc, TimeZoneId).ToString("ddd d MMM yyyy, HH:mm", Invariant) + " " + Zones.Label(utc, TimeZoneId);
}
