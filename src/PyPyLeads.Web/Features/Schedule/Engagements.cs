using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Time;

namespace PyPyLeads.Web.Features.Schedule;

/// <summary>Small helpers the presentation, meeting and schedule pages share.</summary>
public static class Engagements
{
    public static async Task<IReadOnlyList<TeamMemberChoice>> TeamAsync(LeadsDbContext db, CancellationToken cancellationToken) =>
        await db.TeamMembers.AsNoTracking().OrderBy(m => m.Id).Select(m => new TeamMemberChoice(m.Id, m.Name)).ToListAsync(cancellationToken);

    /// <summary>"Mon 7 Mar 2011, 11:30–12:30 PST" in the area's zone, with the zone named.</summary>
    public static string When(DateTime? startsUtc, DateTime? endsUtc, string? area)
    {
        if (startsUtc is not { } start || endsUtc is not { } end || !TourAreas.Exists(area))
        {
            return "Not scheduled";
        }
        var zone = TourAreas.ZoneOf(area!);
        var localStart = Zones.ToLocal(start, zone);
        var localEnd = Zones.ToLocal(end, zone);
        var endText = localEnd.Date == localStart.Date
            ? localEnd.ToString("HH:mm", CultureInfo.InvariantCulture)
            : localEnd.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
        return $"{localStart.ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)}–{endText} {Zones.Label(start, zone)}";
    }
}
