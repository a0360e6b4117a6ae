using Microsoft.EntityFrameworkCore;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Tour;

/// <summary>Choosing who attends a tour stop, called directly on a real SQLite file.</summary>
public sealed class ChooseTourStopAttendeesTests : IAsyncLifetime
{
    private const int Stanford = 1, Armin = 1, Maciej = 2, Laura = 3;
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Choose(int stopId, int[] members, Caller caller) =>
        _rig.RunAsync<ChooseTourStopAttendees, Outcome>(u => u.RunAsync(new ChooseTourStopAttendees.Input(stopId, members), caller, CancellationToken.None));

    private Task<List<int>> Attendees(int stopId) =>
        _rig.DbAsync(db => db.TourStopAttendees.Where(a => a.TourStopId == stopId).Select(a => a.TeamMemberId).OrderBy(id => id).ToListAsync());

    [Fact]
    public async Task The_list_replaces_the_stop_s_attendees_and_unknown_members_are_left_out()
    {
        Assert.IsType<Done<ChooseTourStopAttendees.Chosen>>(await Choose(Stanford, [Maciej, Laura, 99], _laura));

        Assert.Equal([Maciej, Laura], await Attendees(Stanford));

        Assert.IsType<Done<ChooseTourStopAttendees.Chosen>>(await Choose(Stanford, [Armin], _laura));
        Assert.Equal([Armin], await Attendees(Stanford));
    }

    [Fact]
    public async Task Only_admins_choose_attendees()
    {
        var before = await Attendees(Stanford);
        var member = await _rig.UserAsync("Jacob Hallén", "jacob@example.org");

        Assert.IsType<NotAllowed>(await Choose(Stanford, [Maciej, Laura], member));

        Assert.Equal(before, await Attendees(Stanford));
    }

    [Fact]
    public async Task A_stop_that_does_not_exist_is_not_found()
    {
        Assert.IsType<NotFound>(await Choose(999, [Armin], _laura));
        Assert.Empty(await Attendees(999));
    }
}
