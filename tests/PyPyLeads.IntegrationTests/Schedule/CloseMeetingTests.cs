using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The close-a-meeting use case (held or cancelled), called directly on a real SQLite file.</summary>
public sealed class CloseMeetingTests : ScheduleUseCaseTest
{
    private Task<Outcome> Close(int id, MeetingStatus to, string? outcome, long version) =>
        Rig.RunAsync<CloseMeeting, Outcome>(u => u.RunAsync(new(id, to, outcome, version), Coordinator, CancellationToken.None));

    [Theory]
    [InlineData(MeetingStatus.Held, "meeting.held", "Lunch held at Zuni Café")]
    [InlineData(MeetingStatus.Cancelled, "meeting.cancelled", "Lunch cancelled")]
    public async Task A_planned_meeting_is_closed_with_its_outcome_on_the_timeline_under_the_display_name(MeetingStatus to, string kind, string summary)
    {
        var id = await Rig.PlannedAsync(Coordinator);

        Assert.IsType<Done<StatusChange.Changed>>(await Close(id, to, " They want a 3-month consulting deal ", 0));

        var meeting = await Rig.MeetingAsync(id);
        Assert.Equal((to, "They want a 3-month consulting deal"), (meeting.Status, meeting.Outcome));
        var entry = (await Rig.TimelineAsync(nameof(Meeting), id)).Last();
        Assert.Equal((kind, summary, " They want a 3-month consulting deal ", "Laura Creighton"), (entry.Kind, entry.Summary, entry.Details, entry.ActorName));
    }

    [Fact]
    public async Task A_held_meeting_cannot_be_cancelled_afterwards()
    {
        var id = await Rig.PlannedAsync(Coordinator);
        Assert.IsType<Done<StatusChange.Changed>>(await Close(id, MeetingStatus.Held, "Good lunch", 0));

        Assert.Equal("A held meeting cannot become cancelled.", Assert.IsType<Conflict<StatusChange.Current>>(await Close(id, MeetingStatus.Cancelled, "Oops", 1)).Message);
        Assert.Equal(MeetingStatus.Held, (await Rig.MeetingAsync(id)).Status);
    }

    [Fact]
    public async Task Closing_writes_down_what_came_of_it()
    {
        var id = await Rig.PlannedAsync(Coordinator);

        Assert.Equal([new FieldError("Outcome", "Write down what came of it.")], Assert.IsType<Invalid>(await Close(id, MeetingStatus.Held, "", 0)).Errors);
        Assert.Equal(MeetingStatus.Planned, (await Rig.MeetingAsync(id)).Status);
    }

    [Fact]
    public async Task A_meeting_is_closed_as_held_or_cancelled_only()
    {
        var id = await Rig.PlannedAsync(Coordinator);

        Assert.Equal([new FieldError("To", "A meeting is closed as held or cancelled.")], Assert.IsType<Invalid>(await Close(id, MeetingStatus.Planned, "Still on", 0)).Errors);
        Assert.Null((await Rig.MeetingAsync(id)).Outcome);
    }

    [Fact]
    public async Task A_meeting_that_does_not_exist_is_not_found() =>
        Assert.IsType<NotFound>(await Close(404, MeetingStatus.Held, "Good lunch", 0));
}
