using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;

namespace PyPyLeads.Tour;

/// <summary>
/// Say which team members attend a tour stop (clash detection warns when one of them is booked elsewhere then):
/// the list replaces the stop's attendees; ids of no team member are left out. Only admins choose.
/// Returns <see cref="Done{T}"/> of <see cref="Chosen"/>, <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class ChooseTourStopAttendees(LeadsDbContext db)
{
    public sealed record Input(int TourStopId, IReadOnlyList<int> TeamMemberIds);

    public sealed record Chosen(int TourStopId, IReadOnlyList<int> TeamMemberIds);

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins choose who attends a tour stop.");
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            if (!await db.TourStops.AnyAsync(s => s.Id == input.TourStopId, ct))
            {
                return new NotFound("There is no such tour stop.");
            }
            var wanted = input.TeamMemberIds.Distinct().ToList();
            var members = await db.TeamMembers.Where(m => wanted.Contains(m.Id)).Select(m => m.Id).OrderBy(id => id).ToListAsync(ct);
            await db.TourStopAttendees.Where(a => a.TourStopId == input.TourStopId).ExecuteDeleteAsync(ct);
            db.TourStopAttendees.AddRange(members.Select(m => new TourStopAttendee { TourStopId = input.TourStopId, TeamMemberId = m }));
            await db.SaveChangesAsync(ct);
            return new Done<Chosen>(new(input.TourStopId, members));
        }, cancellationToken);
    }
}
