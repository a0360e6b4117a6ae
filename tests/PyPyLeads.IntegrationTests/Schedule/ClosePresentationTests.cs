using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The close-a-presentation use case (declined or cancelled), called directly on a real SQLite file.</summary>
public sealed class ClosePresentationTests : ScheduleUseCaseTest
{
    private Task<Outcome> Close(int id, PresentationStatus to, string? reason, long version) =>
        Rig.RunAsync<ClosePresentation, Outcome>(u => u.RunAsync(new(id, to, reason, version), Coordinator, CancellationToken.None));

    [Fact]
    public async Task A_requested_presentation_is_declined_with_the_reason_on_the_timeline_under_the_display_name()
    {
        var id = await Rig.RequestAsync(Coordinator);

        Assert.IsType<Done<StatusChange.Changed>>(await Close(id, PresentationStatus.Declined, " No one free that week ", version: 0));

        var request = await Rig.PresentationAsync(id);
        Assert.Equal((PresentationStatus.Declined, "No one free that week"), (request.Status, request.Reason));
        var entry = (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.declined", "Presentation request declined", " No one free that week ", "Laura Creighton"),
            (entry.Kind, entry.Summary, entry.Details, entry.ActorName));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_requested_or_scheduled_presentation_is_cancelled_with_the_reason_on_the_timeline(bool scheduled)
    {
        var id = await Rig.RequestAsync(Coordinator);
        if (scheduled)
        {
            await Rig.ScheduledAsync(Coordinator, id);
        }

        Assert.IsType<Done<StatusChange.Changed>>(await Close(id, PresentationStatus.Cancelled, "They moved offices", version: scheduled ? 1 : 0));

        var request = await Rig.PresentationAsync(id);
        Assert.Equal((PresentationStatus.Cancelled, "They moved offices"), (request.Status, request.Reason));
        var entry = (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.cancelled", "Presentation request cancelled", "Laura Creighton"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task A_scheduled_presentation_cannot_be_declined_only_cancelled()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Close(id, PresentationStatus.Declined, "Too busy", version: 1));

        Assert.Equal("A scheduled request cannot become declined.", conflict.Message);
        Assert.Equal(PresentationStatus.Scheduled, (await Rig.PresentationAsync(id)).Status);
    }

    [Fact]
    public async Task A_delivered_presentation_cannot_be_cancelled()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);
        Clock.SetUtcNow(new DateTimeOffset(2011, 3, 4, 16, 0, 0, TimeSpan.FromHours(-8))); // after it took place
        Assert.IsType<Done<StatusChange.Changed>>(await Rig.RunAsync<DeliverPresentation, Outcome>(u => u.RunAsync(new(id, 35, null, 1), Coordinator, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<StatusChange.Current>>(await Close(id, PresentationStatus.Cancelled, "Oops", version: 2));

        Assert.Equal("A delivered request cannot become cancelled.", conflict.Message);
        Assert.Equal(PresentationStatus.Delivered, (await Rig.PresentationAsync(id)).Status);
    }

    [Theory]
    [InlineData("", "Say why.")]
    [InlineData(null, "Say why.")]
    [InlineData(" ", "Say why.")]
    [InlineData("2001", "Use at most 2,000 characters.")]
    public async Task Closing_says_why_in_at_most_2000_characters(string? reason, string message)
    {
        var id = await Rig.RequestAsync(Coordinator);

        var invalid = Assert.IsType<Invalid>(await Close(id, PresentationStatus.Declined, reason == "2001" ? new string('x', 2001) : reason, version: 0));

        Assert.Equal([new FieldError("Reason", message)], invalid.Errors);
        Assert.Equal(PresentationStatus.Requested, (await Rig.PresentationAsync(id)).Status);
    }

    [Fact]
    public async Task A_request_is_closed_as_declined_or_cancelled_only()
    {
        var id = await Rig.RequestAsync(Coordinator);

        var invalid = Assert.IsType<Invalid>(await Close(id, PresentationStatus.Scheduled, "Sneaking past the schedule form", version: 0));

        Assert.Equal([new FieldError("To", "A request is closed as declined or cancelled.")], invalid.Errors);
        Assert.Null((await Rig.PresentationAsync(id)).Reason);
    }

    [Fact]
    public async Task A_request_that_does_not_exist_is_not_found() =>
        Assert.IsType<NotFound>(await Close(404, PresentationStatus.Cancelled, "Gone", 0));
}
