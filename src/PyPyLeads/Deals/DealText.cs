using System.Globalization;
using PyPyLeads.Time;

namespace PyPyLeads.Deals;

/// <summary>How deals' dates, values and instants read, in messages and timeline lines as on the pages.</summary>
public static class DealText
{
    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Value(long? minor, string currency) => minor is { } m ? Money.FormatMinor(m, currency) : "no value yet";

    /// <summary>An instant in a person's zone, with the zone named: "3 Mar 2011, 10:00 PST".</summary>
    public static string Time(DateTime utc, string timeZoneId) =>
        Zones.ToLocal(utc, timeZoneId).ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " " + Zones.Label(utc, timeZoneId);

    public static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
