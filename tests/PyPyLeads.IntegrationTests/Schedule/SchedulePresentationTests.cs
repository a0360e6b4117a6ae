using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The schedule-a-presentation use case, called directly on a real SQLite file.</summary>
public sealed class SchedulePresentationTests : ScheduleUseCaseTest
{
    [Fact]
    public async Task Scheduling_stores_the_instants_and_presenters_and_the_timeline_names_who_did_it_by_display_name()
    {
        var id = await Rig.RequestAsync(Coordinator);

        Assert.IsType<Done<StatusChange.Changed>>(await Rig.ScheduleAsync(Coordinator, Slot(id, 0, "2011-03-04T14:00", "2011-03-04T15:00", [Laura, Armin])));

        var request = await Rig.PresentationAsync(id);
        Assert.Equal((PresentationStatus.Scheduled, new DateTime(2011, 3, 4, 22, 0, 0), new DateTime(2011, 3, 4, 23, 0, 0), "Yelp, 706 Mission St"),
            (request.Status, request.StartsAtUtc!.Value, request.EndsAtUtc!.Value, request.Place));
        Assert.Equal([Armin, Laura], request.Presenters.Select(p => p.TeamMemberId).Order());
        var entry = (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.scheduled", "Presentation scheduled for Fri 4 Mar 2011, 14:00–15:00 PST at Yelp, 706 Mission St", "Presenters: Armin Rigo, Laura Creighton"),
            (entry.Kind, entry.Summary, entry.Details));
        Assert.Equal(("Laura Creighton", Coordinator.UserId), (entry.ActorName, entry.ActorUserId));
    }

    [Fact]
    public async Task Rescheduling_moves_it_without_clashing_with_itself_and_says_so()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);
        var version = (await Rig.PresentationAsync(id)).Version;

        Assert.IsType<Done<StatusChange.Changed>>(await Rig.ScheduleAsync(Coordinator, Slot(id, version, "2011-03-04T14:30", "2011-03-04T15:30", [Armin])));

        Assert.Equal(new DateTime(2011, 3, 4, 22, 30, 0), (await Rig.PresentationAsync(id)).StartsAtUtc);
        var entry = (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.rescheduled", "Presentation moved to Fri 4 Mar 2011, 14:30–15:30 PST at Yelp, 706 Mission St"), (entry.Kind, entry.Summary));
    }

    [Fact]
    public async Task A_clash_saves_nothing_until_confirmed_and_the_timeline_keeps_what_was_overridden()
    {
        var id = await Rig.RequestAsync(Coordinator);

        var clashes = Assert.IsType<DuplicatesFound<Clash>>(await Rig.ScheduleAsync(Coordinator, Slot(id, 0, "2011-03-02T16:30", "2011-03-02T17:30", [Armin])));
        Assert.Equal("ConfirmClashes", clashes.Field);
        Assert.Equal("Armin Rigo is at the Stanford talk (Wed 2 Mar 16:15 PST): a talk is taken to last 90 minutes, so until 17:45, plus 30 minutes to travel. Free from 18:15.", Assert.Single(clashes.Matches).Reason);
        Assert.Equal(PresentationStatus.Requested, (await Rig.PresentationAsync(id)).Status);

        Assert.IsType<Done<StatusChange.Changed>>(await Rig.ScheduleAsync(Coordinator, Slot(id, 0, "2011-03-02T16:30", "2011-03-02T17:30", [Armin], confirm: true)));
        Assert.Equal("Presenters: Armin Rigo. Booked despite: Armin Rigo is at the Stanford talk (Wed 2 Mar 16:15 PST): a talk is taken to last 90 minutes, so until 17:45, plus 30 minutes to travel. Free from 18:15.",
            (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last().Details);
    }

    [Fact]
    public async Task A_declined_request_cannot_be_scheduled()
    {
        var id = await Rig.RequestAsync(Coordinator);
        Assert.IsType<Done<StatusChange.Changed>>(await Rig.RunAsync<ClosePresentation, Outcome>(u => u.RunAsync(new(id, PresentationStatus.Declined, "No one free", 0), Coordinator, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Rig.ScheduleAsync(Coordinator, Slot(id, 1, "2011-03-04T14:00", "2011-03-04T15:00", [Armin])));

        Assert.Equal("A declined request cannot become scheduled.", conflict.Message);
        Assert.Null((await Rig.PresentationAsync(id)).StartsAtUtc);
    }

    [Fact]
    public async Task A_form_loaded_before_someone_else_s_change_is_a_conflict()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Rig.ScheduleAsync(Coordinator, Slot(id, 0, "2011-03-04T16:00", "2011-03-04T17:00", [Armin])));

        Assert.Equal(("Scheduled", 1L), (conflict.Current.Status, conflict.Current.Version));
        Assert.StartsWith("Someone changed this request while you were looking at it.", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2011, 3, 4, 22, 0, 0), (await Rig.PresentationAsync(id)).StartsAtUtc);
    }

    [Theory]
    [InlineData("Bay Area", "2011-03-04T15:00", "2011-03-04T14:00", "1", "EndsLocal", "The end must be after the start.")]
    [InlineData("Bay Area", "2011-03-04T14:00", "2011-03-12T14:00", "1", "EndsLocal", "An engagement lasts at most a week.")]
    [InlineData("Bay Area", "2011-03-13T02:30", "2011-03-13T04:00", "1", "StartsLocal", "This time does not exist there: the clocks jump forward at that hour.")]
    [InlineData("Bay Area", "9999-12-31T10:00", "9999-12-31T11:00", "1", "StartsLocal", "Enter a date between 2000 and 2100.")]
    [InlineData("Mars", "2011-03-04T14:00", "2011-03-04T15:00", "1", "Area", "Choose the Bay Area or Atlanta.")]
    [InlineData("Bay Area", "2011-03-04T14:00", "2011-03-04T15:00", "", "TeamMemberIds", "Choose who presents.")]
    [InlineData("Bay Area", "2011-03-04T14:00", "2011-03-04T15:00", "1,99", "TeamMemberIds", "Choose team members from the list.")]
    public async Task Bad_times_places_and_presenters_are_refused_beside_their_field(string area, string start, string end, string presenters, string field, string message)
    {
        var id = await Rig.RequestAsync(Coordinator);
        var team = presenters.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

        var invalid = Assert.IsType<Invalid>(await Rig.ScheduleAsync(Coordinator, Slot(id, 0, start, end, team, area)));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal(PresentationStatus.Requested, (await Rig.PresentationAsync(id)).Status);
    }

    [Fact]
    public async Task A_place_is_required()
    {
        var id = await Rig.RequestAsync(Coordinator);

        var invalid = Assert.IsType<Invalid>(await Rig.ScheduleAsync(Coordinator, Slot(id, 0, "2011-03-04T14:00", "2011-03-04T15:00", [Armin], place: "")));

        Assert.Equal([new FieldError("Place", "Enter where the presentation takes place.")], invalid.Errors);
    }

    [Fact]
    public async Task A_request_that_does_not_exist_is_not_found() =>
        Assert.IsType<NotFound>(await Rig.ScheduleAsync(Coordinator, Slot(404, 0, "2011-03-04T14:00", "2011-03-04T15:00", [Armin])));
}
