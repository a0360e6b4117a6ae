using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Tour;

namespace PyPyLeads.Schedule;

/// <summary>Turns tour stops, presentations and meetings into calendar items, a fixed number of queries whatever their count.</summary>
public static class CalendarFeedItems
{
    public static async Task<List<CalendarItem>> ForPresentationsAsync(LeadsDbContext db, IQueryable<PresentationRequest> presentations, CancellationToken cancellationToken) =>
        (await presentations.AsNoTracking()
            .Where(p => p.StartsAtUtc != null && p.EndsAtUtc != null && (p.Status == PresentationStatus.Scheduled || p.Status == PresentationStatus.Delivered))
            .Select(p => new { p.Id, Company = p.Company!.Name, p.Place, p.StartsAtUtc, p.EndsAtUtc, p.ContactName, p.ContactEmail })
            .ToListAsync(cancellationToken))
        .Select(p => new CalendarItem($"presentation-{p.Id}@pypyleads", $"PyPy presentation at {p.Company}", p.StartsAtUtc!.Value, p.EndsAtUtc!.Value,
            p.Place, $"Contact: {p.ContactName} <{p.ContactEmail}>"))
        .ToList();

    public static async Task<List<CalendarItem>> ForMeetingsAsync(LeadsDbContext db, IQueryable<Meeting> meetings, CancellationToken cancellationToken) =>
        (await meetings.AsNoTracking()
            .Where(m => m.Status != MeetingStatus.Cancelled)
            .Select(m => new { m.Id, m.Kind, Company = m.Company!.Name, m.PlaceName, m.PlaceAddress, m.StartsAtUtc, m.EndsAtUtc })
            .ToListAsync(cancellationToken))
        .Select(m => new CalendarItem($"meeting-{m.Id}@pypyleads", $"{m.Kind} with {m.Company}", m.StartsAtUtc, m.EndsAtUtc,
            m.PlaceAddress is { Length: > 0 } a ? $"{m.PlaceName}, {a}" : m.PlaceName, null))
        .ToList();

    public static List<CalendarItem> ForTourStops(IEnumerable<TourStop> stops) =>
        stops.Select(s => (Stop: s, Window: ClashDetector.BusyWindow(s)))
            .Where(x => x.Window is not null)
            .Select(x => new CalendarItem($"tourstop-{x.Stop.Id}@pypyleads", x.Stop.Name, x.Window!.Value.From, x.Window.Value.To,
                x.Stop.Address is { Length: > 0 } a ? $"{x.Stop.Venue}, {a}" : $"{x.Stop.Venue}, {x.Stop.City}", x.Stop.Details))
            .ToList();
}
