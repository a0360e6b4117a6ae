using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The schedule-a-meeting use case, called directly on a real SQLite file.</summary>
public sealed class ScheduleMeetingTests : ScheduleUseCaseTest
{
    [Fact]
    public async Task A_meeting_with_a_typed_company_creates_it_and_goes_on_its_timeline_under_the_display_name()
    {
        var done = Assert.IsType<Done<ScheduleMeeting.Scheduled>>(await Rig.PlanAsync(Coordinator, Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin, Armin])));

        var meeting = await Rig.MeetingAsync(done.Value.Id);
        Assert.Equal((MeetingStatus.Planned, MeetingKind.Lunch, new DateTime(2011, 3, 4, 20, 0, 0), "Zuni Café", Coordinator.UserId),
            (meeting.Status, meeting.Kind, meeting.StartsAtUtc, meeting.PlaceName, meeting.CreatedByUserId));
        Assert.Equal([Armin], meeting.Team.Select(t => t.TeamMemberId));
        var company = await Rig.DbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == done.Value.CompanyId));
        Assert.Equal(("Mozilla", LeadSource.Other, Coordinator.UserId), (company.Name, company.Source, company.CreatedByUserId));
        var entry = Assert.Single(await Rig.TimelineAsync(nameof(Meeting), done.Value.Id));
        Assert.Equal(("meeting.planned", "Lunch planned for Fri 4 Mar 2011, 12:00–13:00 PST at Zuni Café", null, company.Id),
            (entry.Kind, entry.Summary, entry.Details, entry.CompanyId));
        Assert.Equal(("Laura Creighton", Coordinator.UserId), (entry.ActorName, entry.ActorUserId));
    }

    [Fact]
    public async Task From_a_company_s_page_only_its_own_live_people_come()
    {
        var mozilla = await Rig.CompanyAsync("Mozilla");
        var other = await Rig.CompanyAsync("Google");
        var (live, deleted, elsewhere) = await Rig.DbAsync(async db =>
        {
            var people = new[]
            {
                new Person { CompanyId = mozilla, Name = "Brendan" }, new Person { CompanyId = mozilla, Name = "Gone", DeletedAtUtc = DateTime.UtcNow },
                new Person { CompanyId = other, Name = "Guido" },
            };
            db.People.AddRange(people);
            await db.SaveChangesAsync();
            return (people[0].Id, people[1].Id, people[2].Id);
        });

        var done = Assert.IsType<Done<ScheduleMeeting.Scheduled>>(await Rig.PlanAsync(Coordinator,
            Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin], companyId: mozilla, people: [live, deleted, elsewhere])));

        Assert.Equal(mozilla, done.Value.CompanyId);
        Assert.Equal([live], (await Rig.MeetingAsync(done.Value.Id)).People.Select(p => p.PersonId));
    }

    [Fact]
    public async Task A_company_deleted_meanwhile_is_refused_beside_the_company_name()
    {
        var gone = await Rig.CompanyAsync("Gone Inc", c => c.DeletedAtUtc = DateTime.UtcNow);

        var invalid = Assert.IsType<Invalid>(await Rig.PlanAsync(Coordinator, Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin], companyId: gone)));

        Assert.Equal([new FieldError("CompanyName", "That company no longer exists; type its name.")], invalid.Errors);
        Assert.Equal(0, await Rig.DbAsync(db => db.Meetings.CountAsync()));
    }

    [Fact]
    public async Task A_clash_saves_nothing_until_confirmed()
    {
        var warned = Assert.IsType<DuplicatesFound<Clash>>(await Rig.PlanAsync(Coordinator, Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Maciej])));
        Assert.Contains(warned.Matches, c => c.Reason == "Maciej Fijałkowski is not known to be in the Bay Area then.");
        Assert.Equal((0, 0), await Rig.DbAsync(async db => (await db.Meetings.CountAsync(), await db.Companies.CountAsync())));

        var done = Assert.IsType<Done<ScheduleMeeting.Scheduled>>(await Rig.PlanAsync(Coordinator, Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Maciej], confirm: true)));
        Assert.StartsWith("Booked despite: Maciej Fijałkowski is not known to be in the Bay Area then.",
            Assert.Single(await Rig.TimelineAsync(nameof(Meeting), done.Value.Id)).Details, StringComparison.Ordinal);
    }

    public static TheoryData<ScheduleMeeting.Input, string, string> BadMeetings => new()
    {
        { Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin], company: ""), "CompanyName", "Enter the company you meet." },
        { Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin], place: " "), "Place", "Enter where you meet (a restaurant, an office...)." },
        { Meeting("2011-03-04T12:00", "2011-03-04T13:00", []), "TeamMemberIds", "Choose who from the team goes." },
        { Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin], kind: (MeetingKind)7), "Kind", "Choose lunch, dinner or other." },
        { Meeting("2011-03-04T12:00", "2011-03-04T11:00", [Armin]), "EndsLocal", "The end must be after the start." },
        { Meeting("2011-03-04T12:00", "2011-03-04T13:00", [Armin]) with { PlaceAddress = new string('x', 301) }, "PlaceAddress", "Use at most 300 characters." },
    };

    [Theory]
    [MemberData(nameof(BadMeetings))]
    public async Task Bad_input_is_refused_beside_its_field_and_saves_nothing(ScheduleMeeting.Input input, string field, string message)
    {
        Assert.Contains(new FieldError(field, message), Assert.IsType<Invalid>(await Rig.PlanAsync(Coordinator, input)).Errors);
        Assert.Equal((0, 0), await Rig.DbAsync(async db => (await db.Meetings.CountAsync(), await db.Companies.CountAsync())));
    }
}
