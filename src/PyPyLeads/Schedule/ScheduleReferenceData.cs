using PyPyLeads.Time;
using PyPyLeads.Tour;

namespace PyPyLeads.Schedule;

/// <summary>
/// Who is where, from the announcement: Armin, Laura and Jacob in the Bay Area from the beginning of March until
/// the morning of March 8, Maciej from March 6; the team heads for Atlanta on March 8 and stays for PyCon and its
/// sprint (March 14-17), where Maciej and Alex give the PyCon talk. Christian "possibly" attends, so he has no
/// stay until an admin adds one. Admins edit all of this.
/// </summary>
public static class ScheduleReferenceData
{
    private const int Armin = 1, Maciej = 2, Laura = 3, Jacob = 4, Alex = 6;

    private static DateTime Pacific(int day, int hour = 0) => Zones.ToUtc(new DateTime(2011, 3, day, hour, 0, 0), ReferenceData.Pacific);

    private static DateTime Eastern(int day, int hour = 0) => Zones.ToUtc(new DateTime(2011, 3, day, hour, 0, 0), ReferenceData.Eastern);

    public static IReadOnlyList<TeamStay> Stays { get; } =
    [
        new() { Id = 1, TeamMemberId = Armin, Area = TourAreas.BayArea, FromUtc = Pacific(1), ToUtc = Pacific(8, 9) },
        new() { Id = 2, TeamMemberId = Laura, Area = TourAreas.BayArea, FromUtc = Pacific(1), ToUtc = Pacific(8, 9) },
        new() { Id = 3, TeamMemberId = Jacob, Area = TourAreas.BayArea, FromUtc = Pacific(1), ToUtc = Pacific(8, 9) },
        new() { Id = 4, TeamMemberId = Maciej, Area = TourAreas.BayArea, FromUtc = Pacific(6), ToUtc = Pacific(8, 9) },
        new() { Id = 5, TeamMemberId = Armin, Area = TourAreas.Atlanta, FromUtc = Eastern(8), ToUtc = Eastern(18) },
        new() { Id = 6, TeamMemberId = Laura, Area = TourAreas.Atlanta, FromUtc = Eastern(8), ToUtc = Eastern(18) },
        new() { Id = 7, TeamMemberId = Jacob, Area = TourAreas.Atlanta, FromUtc = Eastern(8), ToUtc = Eastern(18) },
        new() { Id = 8, TeamMemberId = Maciej, Area = TourAreas.Atlanta, FromUtc = Eastern(8), ToUtc = Eastern(18) },
        new() { Id = 9, TeamMemberId = Alex, Area = TourAreas.Atlanta, FromUtc = Eastern(8), ToUtc = Eastern(18) },
    ];

    // Stop ids as in ReferenceData: 1 Stanford, 2 Yelp, 3 Noisebridge, 4 Google, 5 Mozilla, 7 PyCon talks.
    public static IReadOnlyList<TourStopAttendee> Attendees { get; } =
    [
        new() { TourStopId = 1, TeamMemberId = Armin },
        new() { TourStopId = 1, TeamMemberId = Laura },
        new() { TourStopId = 1, TeamMemberId = Jacob },
        new() { TourStopId = 2, TeamMemberId = Armin },
        new() { TourStopId = 2, TeamMemberId = Laura },
        new() { TourStopId = 2, TeamMemberId = Jacob },
        new() { TourStopId = 3, TeamMemberId = Armin },
        new() { TourStopId = 3, TeamMemberId = Laura },
        new() { TourStopId = 3, TeamMemberId = Jacob },
        new() { TourStopId = 3, TeamMemberId = Maciej },
        new() { TourStopId = 4, TeamMemberId = Armin },
        new() { TourStopId = 4, TeamMemberId = Laura },
        new() { TourStopId = 4, TeamMemberId = Jacob },
        new() { TourStopId = 4, TeamMemberId = Maciej },
        new() { TourStopId = 5, TeamMemberId = Armin },
        new() { TourStopId = 5, TeamMemberId = Laura },
        new() { TourStopId = 5, TeamMemberId = Jacob },
        new() { TourStopId = 5, TeamMemberId = Maciej },
        new() { TourStopId = 7, TeamMemberId = Maciej },
        new() { TourStopId = 7, TeamMemberId = Alex },
    ];
}
