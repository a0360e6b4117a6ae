namespace PyPyLeads.Time;

/// <summary>Conversions between UTC instants and a place's wall clock, by IANA zone id.</summary>
public static class Zones
{
    public static TimeZoneInfo Find(string timeZoneId) => TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);

    public static bool Exists(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out _);

    public static DateTime ToUtc(DateTime localWallClock, string timeZoneId) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(localWallClock, DateTimeKind.Unspecified), Find(timeZoneId));

    public static DateTime ToLocal(DateTime utc, string timeZoneId) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Find(timeZoneId));

    public static DateOnly Today(TimeProvider clock, string timeZoneId) =>
        DateOnly.FromDateTime(ToLocal(clock.GetUtcNow().UtcDateTime, timeZoneId));

    /// <summary>A short label for the zone at that instant ("PST", "EDT"), or its UTC offset.</summary>
    public static string Label(DateTime utc, string timeZoneId)
    {
        var zone = Find(timeZoneId);
        var dst = zone.IsDaylightSavingTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return timeZoneId switch
        {
            "America/Los_Angeles" => dst ? "PDT" : "PST",
            "America/New_York" => dst ? "EDT" : "EST",
            "Europe/Stockholm" or "Europe/Berlin" => dst ? "CEST" : "CET",
            "UTC" or "Etc/UTC" => "UTC",
            _ => "UTC" + FormatOffset(zone.GetUtcOffset(utc)),
        };
    }

    private static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "−" : "+") + offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
}
