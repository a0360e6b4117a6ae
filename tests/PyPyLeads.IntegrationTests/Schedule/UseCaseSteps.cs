using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>Steps the schedule use-case tests share: the use cases called directly, on the tour's clock.</summary>
internal static class UseCaseSteps
{
    public const int Armin = 1, Maciej = 2, Laura = 3, Jacob = 4;

    /// <summary>The morning of the Stanford talk, 2 March 2011, 09:00 Pacific.</summary>
    public static FakeTimeProvider TourClock() => new(new DateTimeOffset(2011, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8)));

    public static RequestPresentation.Input Request(string company = "Yelp", string? domain = null, string contact = "Jane Doe") =>
        new(company, domain, contact, "jane@yelp.com", "706 Mission St", "San Francisco", "March 4, afternoon", 40, [Topics.JitSpeed], null, null);

    public static async Task<int> RequestAsync(this UseCaseRig rig, Caller caller, string company = "Yelp")
    {
        var outcome = await rig.RunAsync<RequestPresentation, Outcome>(u => u.RunAsync(Request(company), caller, CancellationToken.None));
        return Assert.IsType<Done<RequestPresentation.Requested>>(outcome).Value.Id;
    }

    public static Task<PresentationRequest> PresentationAsync(this UseCaseRig rig, int id) =>
        rig.DbAsync(db => db.PresentationRequests.AsNoTracking().Include(p => p.Presenters).SingleAsync(p => p.Id == id));

    public static Task<Meeting> MeetingAsync(this UseCaseRig rig, int id) =>
        rig.DbAsync(db => db.Meetings.AsNoTracking().Include(m => m.Team).Include(m => m.People).SingleAsync(m => m.Id == id));

    /// <summary>The timeline entries about a request or a meeting, oldest first.</summary>
    public static Task<List<PyPyLeads.Timeline.TimelineEntry>> TimelineAsync(this UseCaseRig rig, string subjectType, int id) =>
        rig.DbAsync(db => db.Timeline.AsNoTracking().Where(t => t.SubjectType == subjectType && t.SubjectId == id).OrderBy(t => t.Id).ToListAsync());

    public static SchedulePresentation.Input Slot(int id, long version, string start, string end, int[] presenters, string area = TourAreas.BayArea,
        string place = "Yelp, 706 Mission St", bool confirm = false) =>
        new(id, area, place, DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
            presenters, confirm, version);

    public static Task<Outcome> ScheduleAsync(this UseCaseRig rig, Caller caller, SchedulePresentation.Input input) =>
        rig.RunAsync<SchedulePresentation, Outcome>(u => u.RunAsync(input, caller, CancellationToken.None));

    /// <summary>Schedules a request on 4 March 14:00-15:00 Pacific with Armin, as loaded now.</summary>
    public static async Task ScheduledAsync(this UseCaseRig rig, Caller caller, int id)
    {
        var version = (await rig.PresentationAsync(id)).Version;
        Assert.IsType<Done<StatusChange.Changed>>(await rig.ScheduleAsync(caller, Slot(id, version, "2011-03-04T14:00", "2011-03-04T15:00", [Armin])));
    }

    public static ScheduleMeeting.Input Meeting(string start, string end, int[] team, string company = "Mozilla", int? companyId = null, int[]? people = null,
        string place = "Zuni Café", bool confirm = false, MeetingKind kind = MeetingKind.Lunch, string area = TourAreas.BayArea) =>
        new(companyId, companyId is null ? company : null, kind, area, place, null,
            DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
            team, people ?? [], confirm);

    public static Task<Outcome> PlanAsync(this UseCaseRig rig, Caller caller, ScheduleMeeting.Input input) =>
        rig.RunAsync<ScheduleMeeting, Outcome>(u => u.RunAsync(input, caller, CancellationToken.None));

    /// <summary>A lunch on 4 March 12:00-13:00 Pacific with Armin.</summary>
    public static async Task<int> PlannedAsync(this UseCaseRig rig, Caller caller, string company = "Mozilla")
    {
        var outcome = await rig.PlanAsync(caller, Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin], company));
        return Assert.IsType<Done<ScheduleMeeting.Scheduled>>(outcome).Value.Id;
    }
}
