using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The cancel-a-presentation use case, called directly on a real SQLite file.</summary>
public sealed class CancelPresentationTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = TourClock());
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Cancel(int id, string? reason, long version) =>
        _rig.RunAsync<CancelPresentation, Outcome>(u => u.RunAsync(new(id, reason, version), _laura, CancellationToken.None));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_requested_or_scheduled_presentation_is_cancelled_with_the_reason_on_the_timeline(bool scheduled)
    {
        var id = await _rig.RequestAsync(_laura);
        if (scheduled)
        {
            await _rig.ScheduledAsync(_laura, id);
        }

        Assert.IsType<Done<StatusChange.Changed>>(await Cancel(id, "They moved offices", version: scheduled ? 1 : 0));

        Assert.Equal((PresentationStatus.Cancelled, "They moved offices"), ((await _rig.PresentationAsync(id)).Status, (await _rig.PresentationAsync(id)).Reason));
        var entry = (await _rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.cancelled", "Presentation request cancelled", "Laura Creighton"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task A_delivered_presentation_cannot_be_cancelled()
    {
        var id = await _rig.RequestAsync(_laura);
        await _rig.ScheduledAsync(_laura, id);
        Assert.IsType<Done<StatusChange.Changed>>(await _rig.RunAsync<DeliverPresentation, Outcome>(u => u.RunAsync(new(id, 35, null, 1), _laura, CancellationToken.None)));

        Assert.Equal("A delivered request cannot become cancelled.", Assert.IsType<Conflict<StatusChange.Current>>(await Cancel(id, "Oops", version: 2)).Message);
        Assert.Equal(PresentationStatus.Delivered, (await _rig.PresentationAsync(id)).Status);
    }

    [Fact]
    public async Task Cancelling_says_why()
    {
        var id = await _rig.RequestAsync(_laura);

        Assert.Equal([new FieldError("Reason", "Say why.")], Assert.IsType<Invalid>(await Cancel(id, " ", version: 0)).Errors);
        Assert.Equal(PresentationStatus.Requested, (await _rig.PresentationAsync(id)).Status);
    }
}
