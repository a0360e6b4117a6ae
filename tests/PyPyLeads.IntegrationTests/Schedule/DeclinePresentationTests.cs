using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The decline-a-presentation use case, called directly on a real SQLite file.</summary>
public sealed class DeclinePresentationTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = TourClock());
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Decline(int id, string? reason, long version) =>
        _rig.RunAsync<DeclinePresentation, Outcome>(u => u.RunAsync(new(id, reason, version), _laura, CancellationToken.None));

    [Fact]
    public async Task A_requested_presentation_is_declined_with_the_reason_on_the_timeline()
    {
        var id = await _rig.RequestAsync(_laura);

        Assert.IsType<Done<StatusChange.Changed>>(await Decline(id, " No one free that week ", version: 0));

        var request = await _rig.PresentationAsync(id);
        Assert.Equal((PresentationStatus.Declined, "No one free that week"), (request.Status, request.Reason));
        var entry = (await _rig.TimelineAsync(nameof(PresentationRequest), id)).Last();
        Assert.Equal(("presentation.declined", "Presentation request declined", " No one free that week ", "Laura Creighton"),
            (entry.Kind, entry.Summary, entry.Details, entry.ActorName));
    }

    [Fact]
    public async Task A_scheduled_presentation_cannot_be_declined_only_cancelled()
    {
        var id = await _rig.RequestAsync(_laura);
        await _rig.ScheduledAsync(_laura, id);

        Assert.Equal("A scheduled request cannot become declined.", Assert.IsType<Conflict<StatusChange.Current>>(await Decline(id, "Too busy", version: 1)).Message);
        Assert.Equal(PresentationStatus.Scheduled, (await _rig.PresentationAsync(id)).Status);
    }

    [Theory]
    [InlineData("", "Say why.")]
    [InlineData(null, "Say why.")]
    [InlineData("2001", "Use at most 2,000 characters.")]
    public async Task Declining_says_why_in_at_most_2000_characters(string? reason, string message)
    {
        var id = await _rig.RequestAsync(_laura);

        var invalid = Assert.IsType<Invalid>(await Decline(id, reason == "2001" ? new string('x', 2001) : reason, version: 0));

        Assert.Contains(new FieldError("Reason", message), invalid.Errors);
        Assert.Equal(PresentationStatus.Requested, (await _rig.PresentationAsync(id)).Status);
    }
}
