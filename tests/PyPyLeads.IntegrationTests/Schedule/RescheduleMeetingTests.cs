using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The reschedule-a-meeting use case, called directly on a real SQLite file.</summary>
public sealed class RescheduleMeetingTests : ScheduleUseCaseTest
{
    private static RescheduleMeeting.Input Move(int id, long version, string start, string end, int[] team, MeetingKind kind = MeetingKind.Lunch) =>
        new(id, kind, TourAreas.BayArea, "Zuni Café", null, DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture), team, [], false, version);

    private Task<Outcome> Run(RescheduleMeeting.Input input) =>
        Rig.RunAsync<RescheduleMeeting, Outcome>(u => u.RunAsync(input, Coordinator, CancellationToken.None));

    [Fact]
    public async Task Moving_a_meeting_overlapping_its_old_time_changes_it_and_goes_on_the_timeline()
    {
        var id = await Rig.PlannedAsync(Coordinator);

        Assert.IsType<Done<StatusChange.Changed>>(await Run(Move(id, 0, "2011-03-04T12:30", "2011-03-04T14:00", [Armin], MeetingKind.Dinner)));

        var meeting = await Rig.MeetingAsync(id);
        Assert.Equal((MeetingKind.Dinner, new DateTime(2011, 3, 4, 20, 30, 0), 1L), (meeting.Kind, meeting.StartsAtUtc, meeting.Version));
        var entry = (await Rig.TimelineAsync(nameof(Meeting), id)).Last();
        Assert.Equal(("meeting.rescheduled", "Dinner moved to Fri 4 Mar 2011, 12:30–14:00 PST at Zuni Café", "Laura Creighton"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task Changing_only_who_goes_moves_the_version_on()
    {
        var id = await Rig.PlannedAsync(Coordinator);

        Assert.IsType<Done<StatusChange.Changed>>(await Run(Move(id, 0, "2011-03-04T12:00", "2011-03-04T13:00", [Armin, Laura])));

        var meeting = await Rig.MeetingAsync(id);
        Assert.Equal([Armin, Laura], meeting.Team.Select(t => t.TeamMemberId).Order());
        Assert.Equal(1L, meeting.Version);
    }

    [Fact]
    public async Task A_held_meeting_cannot_be_moved()
    {
        var id = await Rig.PlannedAsync(Coordinator);
        Assert.IsType<Done<StatusChange.Changed>>(await Rig.RunAsync<CloseMeeting, Outcome>(u => u.RunAsync(new(id, MeetingStatus.Held, "Good lunch", 0), Coordinator, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Run(Move(id, 1, "2011-03-05T12:00", "2011-03-05T13:00", [Armin])));

        Assert.Equal(("A held meeting cannot become planned.", "Held"), (conflict.Message, conflict.Current.Status));
    }

    [Fact]
    public async Task A_form_loaded_before_someone_else_s_change_is_a_conflict()
    {
        var id = await Rig.PlannedAsync(Coordinator);
        Assert.IsType<Done<StatusChange.Changed>>(await Run(Move(id, 0, "2011-03-04T12:30", "2011-03-04T13:30", [Armin])));

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Run(Move(id, 0, "2011-03-04T18:00", "2011-03-04T19:00", [Armin])));

        Assert.StartsWith("Someone changed this meeting while you were looking at it.", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2011, 3, 4, 20, 30, 0), (await Rig.MeetingAsync(id)).StartsAtUtc);
    }

    [Fact]
    public async Task A_move_that_clashes_saves_nothing_until_confirmed()
    {
        var id = await Rig.PlannedAsync(Coordinator);

        var warned = Assert.IsType<DuplicatesFound<Clash>>(await Run(Move(id, 0, "2011-03-02T16:30", "2011-03-02T17:30", [Armin])));

        Assert.Contains("Stanford talk", Assert.Single(warned.Matches).Reason, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2011, 3, 4, 20, 0, 0), (await Rig.MeetingAsync(id)).StartsAtUtc);
    }
}
