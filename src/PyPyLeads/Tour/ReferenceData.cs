using PyPyLeads.Time;

namespace PyPyLeads.Tour;

/// <summary>
/// The consultancies, team members and tour stops exactly as the 2011 tour announcement gives them.
/// Where the announcement gives no date or time, none is invented.
/// </summary>
public static class ReferenceData
{
    public const string Pacific = "America/Los_Angeles";
    public const string Eastern = "America/New_York";

    public static IReadOnlyList<Consultancy> Consultancies { get; } =
    [
        new() { Id = Consultancy.OpenEndId, Name = "Open End", WebDomain = "openend.se" },
        new() { Id = Consultancy.MerlinuxId, Name = "merlinux" },
    ];

    // Only Laura's affiliation is stated (her address is at openend.se); the others are left unassigned.
    public static IReadOnlyList<TeamMember> TeamMembers { get; } =
    [
        new() { Id = 1, Name = "Armin Rigo" },
        new() { Id = 2, Name = "Maciej Fijałkowski" },
        new() { Id = 3, Name = "Laura Creighton", Email = "lac@openend.se", ConsultancyId = Consultancy.OpenEndId },
        new() { Id = 4, Name = "Jacob Hallén" },
        new() { Id = 5, Name = "Christian Tismer" },
        new() { Id = 6, Name = "Alex Gaynor" },
    ];

    public static IReadOnlyList<TourStop> TourStops { get; } =
    [
        new()
        {
            Id = 1, Sequence = 1, Name = "Stanford talk", Kind = TourStopKind.Talk,
            Venue = "Stanford University, EE380 colloquium", City = "Stanford, CA", TimeZoneId = Pacific,
            FirstDay = new DateOnly(2011, 3, 2), LastDay = new DateOnly(2011, 3, 2),
            StartsAtUtc = Zones.ToUtc(new DateTime(2011, 3, 2, 16, 15, 0), Pacific),
            OpenToPublic = true, Url = "http://www.stanford.edu/class/ee380/winter-schedule-20102011.html",
            Details = "Armin Rigo gives talk at Stanford.",
        },
        new()
        {
            Id = 2, Sequence = 2, Name = "Yelp talk", Kind = TourStopKind.Talk,
            Venue = "Yelp", Address = "706 Mission St 9th Floor, San Francisco CA 94103", City = "San Francisco, CA",
            TimeZoneId = Pacific, FirstDay = new DateOnly(2011, 3, 3), LastDay = new DateOnly(2011, 3, 3),
            StartsAtUtc = Zones.ToUtc(new DateTime(2011, 3, 3, 18, 0, 0), Pacific),
            OpenToPublic = true, Details = "General talk at Yelp.",
        },
        new()
        {
            Id = 3, Sequence = 3, Name = "Noisebridge mini sprint", Kind = TourStopKind.Sprint,
            Venue = "Noisebridge", Address = "2169 Mission street between 17th and 18th, San Francisco",
            City = "San Francisco, CA", TimeZoneId = Pacific,
            FirstDay = new DateOnly(2011, 3, 5), LastDay = new DateOnly(2011, 3, 6),
            OpenToPublic = true, Url = "http://www.noisebridge.net", Details = "PyPy mini sprint at noisebridge.",
        },
        new()
        {
            Id = 4, Sequence = 4, Name = "Google Tech Talk", Kind = TourStopKind.Talk,
            Venue = "Googleplex", City = "Mountain View, CA", TimeZoneId = Pacific,
            FirstDay = new DateOnly(2011, 3, 7), LastDay = new DateOnly(2011, 3, 7),
            StartsAtUtc = Zones.ToUtc(new DateTime(2011, 3, 7, 11, 30, 0), Pacific),
            OpenToPublic = false, Details = "Google Tech talk. Not open to the public (but the video should be available later).",
        },
        new()
        {
            Id = 5, Sequence = 5, Name = "Mozilla talk", Kind = TourStopKind.Talk,
            Venue = "Mozilla", City = "Mountain View, CA", TimeZoneId = Pacific,
            FirstDay = new DateOnly(2011, 3, 7), LastDay = new DateOnly(2011, 3, 7),
            StartsAtUtc = Zones.ToUtc(new DateTime(2011, 3, 7, 14, 30, 0), Pacific),
            OpenToPublic = false, Details = "Talk at Mozilla. Not open to the public (but Mozilla developers can videoconference).",
        },
        new()
        {
            // The announcement only says the team heads for Atlanta on Tuesday March 8 for the summits.
            Id = 6, Sequence = 6, Name = "Python VM and Language Summits", Kind = TourStopKind.Summit,
            Venue = "Python VM and Language Summits", City = "Atlanta, GA", TimeZoneId = Eastern,
            OpenToPublic = false,
            Details = "On Tuesday March 8th we will be heading for Atlanta for the Python VM and Language Summits before attending PyCon.",
        },
        new()
        {
            Id = 7, Sequence = 7, Name = "PyCon talks", Kind = TourStopKind.Talk,
            Venue = "PyCon 2011", City = "Atlanta, GA", TimeZoneId = Eastern,
            OpenToPublic = true, Url = "http://us.pycon.org/2011/schedule/presentations/160/",
            Details = "Maciej Fijałkowski and Alex Gaynor: \"Why is Python slow and how can PyPy help?\"; " +
                      "Maciej Fijałkowski: \"Running ultra large telescopes in Python\" (http://us.pycon.org/2011/schedule/presentations/159/).",
        },
        new()
        {
            Id = 8, Sequence = 8, Name = "PyCon sprint", Kind = TourStopKind.Sprint,
            Venue = "PyCon 2011", City = "Atlanta, GA", TimeZoneId = Eastern,
            FirstDay = new DateOnly(2011, 3, 14), LastDay = new DateOnly(2011, 3, 17),
            OpenToPublic = true, Details = "There will be a PyPy Sprint March 14-17. All are welcome.",
        },
    ];
}
