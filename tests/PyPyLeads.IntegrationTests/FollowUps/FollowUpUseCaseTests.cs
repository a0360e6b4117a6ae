using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// What the follow-up use case tests share: the app on a real SQLite file at 18:00 in Stockholm on 2 March 2011
/// (the Eurostars project ends on 30 September), Laura (an admin), Armin and Maciej (members), and Yelp.
/// </summary>
public abstract class FollowUpUseCaseTests : IAsyncLifetime
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero));
    protected UseCaseRig Rig = null!;
    protected Caller Laura = null!;
    protected Caller Armin = null!;
    protected Caller Maciej = null!;
    protected int Yelp;

    protected DateTime Now => Clock.GetUtcNow().UtcDateTime;

    public async Task InitializeAsync()
    {
        Rig = UseCaseRig.Start(app => app.Clock = Clock);
        Laura = await Rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
        Armin = await Rig.UserAsync("Armin Rigo", "arigo@openend.se");
        Maciej = await Rig.UserAsync("Maciej Fijałkowski", "fijal@merlinux.eu", timeZoneId: "America/New_York");
        Yelp = await Rig.CompanyAsync("Yelp");
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();

    protected Task<Outcome> Run<TUseCase>(Func<TUseCase, Task<Outcome>> call) where TUseCase : notnull => Rig.RunAsync(call);

    /// <summary>Schedules a follow-up for <paramref name="owner"/>, scheduled by <paramref name="by"/>, due in an hour.</summary>
    protected async Task<int> ScheduledAsync(Caller owner, Caller by, string? note = null)
    {
        var outcome = await Run<ScheduleFollowUp>(u => u.RunAsync(new(Yelp, null, null, owner.UserId, Now.AddHours(1), note), by, CancellationToken.None));
        return Assert.IsType<Done<ScheduleFollowUp.Scheduled>>(outcome).Value.FollowUpId;
    }

    protected Task<FollowUp> FollowUpAsync(int id) => Rig.DbAsync(db => db.FollowUps.AsNoTracking().SingleAsync(f => f.Id == id));

    protected Task<List<PyPyLeads.Timeline.TimelineEntry>> TimelineAsync(int followUpId) => Rig.DbAsync(db =>
        db.Timeline.AsNoTracking().Where(t => t.SubjectType == "FollowUp" && t.SubjectId == followUpId).OrderBy(t => t.Id).ToListAsync());
}
