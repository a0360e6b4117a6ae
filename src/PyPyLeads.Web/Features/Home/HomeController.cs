using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.Tour;

namespace PyPyLeads.Web.Features.Home;

[Route("")]
public sealed class HomeController(LeadsDbContext db, EurostarsCalendar eurostars, TimeProvider clock) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stops = await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).ToListAsync(cancellationToken);
        return View(new HomeViewModel(
            DaysLeft: eurostars.DaysLeft(),
            EurostarsEndsOn: eurostars.EndsOn,
            Now: Zones.ToLocal(now, ReferenceData.Pacific).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " " + Zones.Label(now, ReferenceData.Pacific),
            Stops: stops.Select(s => TourStopRow.From(s, now)).ToList()));
    }
}

public sealed record HomeViewModel(int DaysLeft, DateOnly EurostarsEndsOn, string Now, IReadOnlyList<TourStopRow> Stops);

public sealed record TourStopRow(string Name, string Venue, string? Address, string City, string When, bool OpenToPublic, string? Details, string Status)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static TourStopRow From(TourStop stop, DateTime nowUtc)
    {
        var today = DateOnly.FromDateTime(Zones.ToLocal(nowUtc, stop.TimeZoneId));
        var status = stop.FirstDay is null ? "" :
            today < stop.FirstDay ? "upcoming" :
            today > (stop.LastDay ?? stop.FirstDay) ? "past" : "today";
        return new TourStopRow(stop.Name, stop.Venue, stop.Address, stop.City, Describe(stop), stop.OpenToPublic, stop.Details, status);
    }

    /// <summary>In the stop's own zone, with the zone named; a stop the announcement gives no time for shows none.</summary>
    private static string Describe(TourStop stop)
    {
        if (stop.StartsAtUtc is { } startsAt)
        {
            var local = Zones.ToLocal(startsAt, stop.TimeZoneId);
            return local.ToString("ddd d MMM yyyy, HH:mm", Invariant) + " " + Zones.Label(startsAt, stop.TimeZoneId);
        }
        if (stop.FirstDay is { } first)
        {
            var last = stop.LastDay ?? first;
            return first == last
                ? first.ToString("ddd d MMM yyyy", Invariant)
                : first.ToString("ddd d MMM", Invariant) + " – " + last.ToString("ddd d MMM yyyy", Invariant);
        }
        return "Date not announced";
    }
}
