using Microsoft.Extensions.Time.Testing;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>
/// What each schedule use-case test starts from: the real app on its own SQLite file, on the tour's clock, with Laura
/// Creighton, the coordinator, as the caller.
/// </summary>
public abstract class ScheduleUseCaseTest : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = UseCaseSteps.TourClock();

    protected UseCaseRig Rig { get; private set; } = null!;

    protected Caller Coordinator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Rig = UseCaseRig.Start(app => app.Clock = Clock);
        Coordinator = await Rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();
}
