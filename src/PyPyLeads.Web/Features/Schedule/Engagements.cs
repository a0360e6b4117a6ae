using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Features.Schedule;

/// <summary>What the presentation, meeting and schedule pages share.</summary>
public static class Engagements
{
    public static async Task<IReadOnlyList<TeamMemberChoice>> TeamAsync(LeadsDbContext db, CancellationToken cancellationToken) =>
        await db.TeamMembers.AsNoTracking().OrderBy(m => m.Id).Select(m => new TeamMemberChoice(m.Id, m.Name)).ToListAsync(cancellationToken);
}
