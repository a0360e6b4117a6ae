using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The deliver-a-presentation use case, called directly on a real SQLite file.</summary>
public sealed class DeliverPresentationTests : ScheduleUseCaseTest
{
    private Task<Outcome> Deliver(int id, int? attendance, long version, string? notes = "They want the JIT", bool confirmBeforeStart = false) =>
        Rig.RunAsync<DeliverPresentation, Outcome>(u => u.RunAsync(new(id, attendance, notes, version, confirmBeforeStart), Coordinator, CancellationToken.None));

    /// <summary>The afternoon after the presentation <see cref="UseCaseSteps.ScheduledAsync"/> books (Fri 4 Mar, 14:00–15:00 PST).</summary>
    private void AfterThePresentation() => Clock.SetUtcNow(new DateTimeOffset(2011, 3, 4, 16, 0, 0, TimeSpan.FromHours(-8)));

    [Fact]
    public async Task A_scheduled_presentation_is_delivered_with_its_attendance_and_notes_on_the_timeline()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);
        AfterThePresentation();

        Assert.IsType<Done<StatusChange.Changed>>(await Deliver(id, 35, version: 1));

        var request = await Rig.PresentationAsync(id);
        Assert.Equal((PresentationStatus.Delivered, 35, "They want the JIT"), (request.Status, request.Attendance!.Value, request.OutcomeNotes));
        var entry = (await Rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.delivered", "Presentation delivered to 35 people", "They want the JIT", "Laura Creighton"),
            (entry.Kind, entry.Summary, entry.Details, entry.ActorName));
    }

    [Fact]
    public async Task A_presentation_not_yet_scheduled_cannot_be_delivered()
    {
        var id = await Rig.RequestAsync(Coordinator);

        Assert.Equal("A requested request cannot become delivered.", Assert.IsType<Conflict<StatusChange.Current>>(await Deliver(id, 10, version: 0)).Message);
        Assert.Equal(PresentationStatus.Requested, (await Rig.PresentationAsync(id)).Status);
    }

    [Theory]
    [InlineData(null, "Enter how many people came.")]
    [InlineData(-1, "Enter a number from 0 to 100,000.")]
    [InlineData(100_001, "Enter a number from 0 to 100,000.")]
    public async Task The_attendance_is_required_and_sensible(int? attendance, string message)
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);

        Assert.Contains(new FieldError("Attendance", message), Assert.IsType<Invalid>(await Deliver(id, attendance, version: 1)).Errors);
        Assert.Equal(PresentationStatus.Scheduled, (await Rig.PresentationAsync(id)).Status);
    }

    [Fact]
    public async Task Marking_delivered_before_the_scheduled_start_asks_to_confirm_it_took_place_and_saves_nothing_until_then()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id); // Fri 4 Mar, 14:00 PST; the clock says Wed 2 Mar

        var invalid = Assert.IsType<Invalid>(await Deliver(id, 35, version: 1));

        Assert.Equal(new FieldError("ConfirmBeforeStart",
            "It is scheduled for Fri 4 Mar 2011, 14:00–15:00 PST, which has not come yet. Tick “It has taken place” to mark it delivered anyway."), Assert.Single(invalid.Errors));
        Assert.Equal(PresentationStatus.Scheduled, (await Rig.PresentationAsync(id)).Status);

        Assert.IsType<Done<StatusChange.Changed>>(await Deliver(id, 35, version: 1, confirmBeforeStart: true));
        Assert.Equal(PresentationStatus.Delivered, (await Rig.PresentationAsync(id)).Status);
    }

    [Fact]
    public async Task Once_it_has_started_no_confirmation_is_asked()
    {
        var id = await Rig.RequestAsync(Coordinator);
        await Rig.ScheduledAsync(Coordinator, id);
        Clock.SetUtcNow(new DateTimeOffset(2011, 3, 4, 14, 0, 0, TimeSpan.FromHours(-8)));

        Assert.IsType<Done<StatusChange.Changed>>(await Deliver(id, 35, version: 1));
    }
}
