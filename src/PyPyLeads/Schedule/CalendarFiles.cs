using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace PyPyLeads.Schedule;

/// <summary>One engagement as it goes into an .ics file or a feed. Instants are UTC.</summary>
public sealed record CalendarItem(string Uid, string Summary, DateTime StartsAtUtc, DateTime EndsAtUtc, string? Location, string? Description);

/// <summary>Writes iCalendar (RFC 5545) with Ical.Net; times are written in UTC so every calendar app agrees on the instant.</summary>
public static class CalendarFiles
{
    public static string Write(IEnumerable<CalendarItem> items, string name, DateTime stampUtc)
    {
        var calendar = new Calendar { ProductId = "-//PyPyLeads//Tour schedule//EN" };
        calendar.AddProperty("X-WR-CALNAME", name);
        foreach (var item in items)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = item.Uid,
                Summary = item.Summary,
                Location = item.Location,
                Description = item.Description,
                DtStart = new CalDateTime(DateTime.SpecifyKind(item.StartsAtUtc, DateTimeKind.Utc)),
                DtEnd = new CalDateTime(DateTime.SpecifyKind(item.EndsAtUtc, DateTimeKind.Utc)),
                DtStamp = new CalDateTime(DateTime.SpecifyKind(stampUtc, DateTimeKind.Utc)),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
