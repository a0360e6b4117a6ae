using System.Globalization;
using PyPyLeads.Data;

namespace PyPyLeads.Schedule;

/// <summary>The two places the tour goes, each with the zone its times are entered and shown in.</summary>
public static class TourAreas
{
    public const string BayArea = "Bay Area";
    public const string Atlanta = "Atlanta";

    public static IReadOnlyDictionary<string, string> Zones { get; } = new Dictionary<string, string>
    {
        [BayArea] = Tour.ReferenceData.Pacific,
        [Atlanta] = Tour.ReferenceData.Eastern,
    };

    public static IReadOnlyList<string> All { get; } = [BayArea, Atlanta];

    public static bool Exists(string? area) => area is not null && Zones.ContainsKey(area);

    public static string ZoneOf(string area) => Zones[area];

    /// <summary>The area of a tour stop, from its zone.</summary>
    public static string OfZone(string timeZoneId) => Zones.First(z => z.Value == timeZoneId).Key;

    /// <summary>"Mon 7 Mar 2011, 11:30–12:30 PST" in the area's zone, with the zone named.</summary>
    public static string Describe(DateTime? startsUtc, DateTime? endsUtc, string? area)
    {
        if (startsUtc is not { } start || endsUtc is not { } end || !Exists(area))
        {
            return "Not scheduled";
        }
        var zone = ZoneOf(area!);
        var localStart = Time.Zones.ToLocal(start, zone);
        var localEnd = Time.Zones.ToLocal(end, zone);
        var endText = localEnd.Date == localStart.Date
            ? localEnd.ToString("HH:mm", CultureInfo.InvariantCulture)
            : localEnd.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
        return $"{localStart.ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)}–{endText} {Time.Zones.Label(start, zone)}";
    }
}

public enum PresentationStatus
{
    Requested = 0,
    Scheduled = 1,
    Delivered = 2,
    Declined = 3,
    Cancelled = 4,
}

/// <summary>The talk highlights of the announcement, as a company may ask for them.</summary>
[Flags]
public enum Topics
{
    None = 0,
    JitSpeed = 1,
    ToolchainTwiceAsFast = 2,
    X86AndArm = 4,
    CPythonCompatibility = 8,
    JitCtypes = 16,
    Stackless = 32,
    Cpyext = 64,
    CppCalls = 128,
}

public static class TopicNames
{
    public static IReadOnlyList<(Topics Topic, string Label)> All { get; } =
    [
        (Topics.JitSpeed, "JIT speed: most Python benchmarks run much faster than with CPython or Psyco"),
        (Topics.ToolchainTwiceAsFast, "The PyPy compiler toolchain (200 KLocs) running twice as fast"),
        (Topics.X86AndArm, "x86 32 and 64 bit, and ARM support"),
        (Topics.CPythonCompatibility, "Full compatibility with CPython"),
        (Topics.JitCtypes, "Full, JIT-ed ctypes support to call C libraries"),
        (Topics.Stackless, "Stackless Python support"),
        (Topics.Cpyext, "cpyext: existing CPython C extensions"),
        (Topics.CppCalls, "Fast JIT-compiled calls to C++ libraries"),
    ];

    public static string Describe(Topics topics) =>
        string.Join("; ", All.Where(t => topics.HasFlag(t.Topic)).Select(t => t.Label));
}

/// <summary>A presentation request or a meeting: what <see cref="StatusChange"/> needs of either.</summary>
public interface IEngagement : IVersioned
{
    int Id { get; }
    int CompanyId { get; }
}

/// <summary>A company's request that the team come and present; it moves Requested → Scheduled → Delivered, or Declined/Cancelled.</summary>
public sealed class PresentationRequest : IEngagement
{
    public int Id { get; set; }
    public int CompanyId { get; set; }
    public Companies.Company? Company { get; set; }
    public required string ContactName { get; set; }
    public required string ContactEmail { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? PreferredDates { get; set; }
    public int? AudienceSize { get; set; }
    public Topics Topics { get; set; }
    public string? OtherTopics { get; set; }
    /// <summary>What would help them convince their management.</summary>
    public string? ConvinceManagement { get; set; }
    public PresentationStatus Status { get; set; }
    /// <summary>Where it takes place once scheduled: a tour area, which gives the zone.</summary>
    public string? Area { get; set; }
    public string? Place { get; set; }
    public DateTime? StartsAtUtc { get; set; }
    public DateTime? EndsAtUtc { get; set; }
    public int? Attendance { get; set; }
    public string? OutcomeNotes { get; set; }
    public string? Reason { get; set; }
    public bool ViaPublicPage { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public string? CreatedByUserId { get; set; }
    public long Version { get; set; }
    public List<PresentationPresenter> Presenters { get; set; } = [];
}

public sealed class PresentationPresenter
{
    public int PresentationRequestId { get; set; }
    public int TeamMemberId { get; set; }
}

public enum MeetingKind
{
    Lunch = 0,
    Dinner = 1,
    Other = 2,
}

public enum MeetingStatus
{
    Planned = 0,
    Held = 1,
    Cancelled = 2,
}

/// <summary>A lunch, dinner or other meeting with a company.</summary>
public sealed class Meeting : IEngagement
{
    public int Id { get; set; }
    public int CompanyId { get; set; }
    public Companies.Company? Company { get; set; }
    public MeetingKind Kind { get; set; }
    public required string Area { get; set; }
    public required string PlaceName { get; set; }
    public string? PlaceAddress { get; set; }
    public DateTime StartsAtUtc { get; set; }
    public DateTime EndsAtUtc { get; set; }
    public MeetingStatus Status { get; set; }
    public string? Outcome { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public string? CreatedByUserId { get; set; }
    public long Version { get; set; }
    public List<MeetingTeamMember> Team { get; set; } = [];
    public List<MeetingPerson> People { get; set; } = [];
}

public sealed class MeetingTeamMember
{
    public int MeetingId { get; set; }
    public int TeamMemberId { get; set; }
}

public sealed class MeetingPerson
{
    public int MeetingId { get; set; }
    public int PersonId { get; set; }
}

/// <summary>Where a team member is from when to when (the Bay Area until the morning of March 8, then Atlanta).</summary>
public sealed class TeamStay : IVersioned
{
    public int Id { get; set; }
    public int TeamMemberId { get; set; }
    public required string Area { get; set; }
    public DateTime FromUtc { get; set; }
    public DateTime ToUtc { get; set; }
    public long Version { get; set; }
}

/// <summary>A team member at a tour stop.</summary>
public sealed class TourStopAttendee
{
    public int TourStopId { get; set; }
    public int TeamMemberId { get; set; }
}

/// <summary>A private calendar feed: only the SHA-256 of its secret token is stored; revoking it makes the URL 404.</summary>
public sealed class CalendarFeed
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }

    /// <summary>What is stored of a token, and what a feed request's token is looked up by.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
