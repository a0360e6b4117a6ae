using Microsoft.EntityFrameworkCore;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Tour;

/// <summary>Keeping who is where (AddTeamStay, EditTeamStay, DeleteTeamStay), called directly on a real SQLite file.</summary>
public sealed class TeamStayTests : IAsyncLifetime
{
    private const int Christian = 5;
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;
    private Caller _armin = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Add(Caller caller, int member = Christian, string? area = TourAreas.Atlanta, DateTime? from = null, DateTime? to = null) =>
        _rig.RunAsync<AddTeamStay, Outcome>(u => u.RunAsync(
            new AddTeamStay.Input(member, area, from ?? new DateTime(2011, 3, 10, 12, 0, 0), to ?? new DateTime(2011, 3, 17, 18, 0, 0)), caller, CancellationToken.None));

    private Task<Outcome> Edit(int stayId, long version, Caller caller, string area = TourAreas.BayArea) =>
        _rig.RunAsync<EditTeamStay, Outcome>(u => u.RunAsync(
            new EditTeamStay.Input(stayId, area, new DateTime(2011, 3, 3, 0, 0, 0), new DateTime(2011, 3, 8, 9, 0, 0), version), caller, CancellationToken.None));

    private Task<TeamStay?> Stay(int id) => _rig.DbAsync(db => db.TeamStays.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id));

    [Fact]
    public async Task An_admin_adds_a_stay_in_local_time_of_its_area()
    {
        var added = Assert.IsType<Done<AddTeamStay.Added>>(await Add(_laura)).Value;

        var stay = (await Stay(added.StayId))!;
        // Atlanta is on Eastern time: 12:00 there is 17:00 UTC in March 2011.
        Assert.Equal((Christian, TourAreas.Atlanta, new DateTime(2011, 3, 10, 17, 0, 0), new DateTime(2011, 3, 17, 22, 0, 0)),
            (stay.TeamMemberId, stay.Area, stay.FromUtc, stay.ToUtc));
    }

    [Fact]
    public async Task Only_admins_add_edit_or_remove_stays()
    {
        var before = await _rig.DbAsync(db => db.TeamStays.CountAsync());
        var maciejs = (await Stay(4))!;

        Assert.IsType<NotAllowed>(await Add(_armin));
        Assert.IsType<NotAllowed>(await Edit(4, maciejs.Version, _armin));
        Assert.IsType<NotAllowed>(await _rig.RunAsync<DeleteTeamStay, Outcome>(u => u.RunAsync(new DeleteTeamStay.Input(4), _armin, CancellationToken.None)));

        Assert.Equal(before, await _rig.DbAsync(db => db.TeamStays.CountAsync()));
        Assert.Equal(maciejs.FromUtc, (await Stay(4))!.FromUtc);
    }

    [Theory]
    [InlineData(99, TourAreas.Atlanta, "2011-03-10", "2011-03-17", "TeamMemberId", "Choose a team member.")]
    [InlineData(Christian, "Mars", "2011-03-10", "2011-03-17", "Area", "Choose the Bay Area or Atlanta.")]
    [InlineData(Christian, TourAreas.Atlanta, "2011-03-17", "2011-03-10", "ToLocal", "The end must be after the beginning.")]
    [InlineData(Christian, TourAreas.Atlanta, "1999-03-10", "2011-03-10", "FromLocal", "Enter a date between 2000 and 2100.")]
    public async Task Bad_stays_are_refused_beside_their_field(int member, string area, string from, string to, string field, string message)
    {
        var invalid = Assert.IsType<Invalid>(await Add(_laura, member, area, DateTime.Parse(from), DateTime.Parse(to)));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
    }

    [Fact]
    public async Task An_admin_moves_a_stay_and_a_stale_version_saves_nothing()
    {
        var version = (await Stay(4))!.Version;

        Assert.IsType<Done<EditTeamStay.Saved>>(await Edit(4, version, _laura));
        var moved = (await Stay(4))!;
        Assert.Equal(new DateTime(2011, 3, 3, 8, 0, 0), moved.FromUtc);

        var conflict = Assert.IsType<Conflict<EditTeamStay.Current>>(await Edit(4, version, _laura, TourAreas.Atlanta));
        Assert.Equal(moved.Version, conflict.Current.Version);
        Assert.Equal(TourAreas.BayArea, (await Stay(4))!.Area);
    }

    [Fact]
    public async Task Editing_a_stay_that_does_not_exist_is_not_found()
    {
        Assert.IsType<NotFound>(await Edit(999, 0, _laura));
    }

    [Fact]
    public async Task An_admin_removes_a_stay_and_removing_it_again_changes_nothing()
    {
        var first = Assert.IsType<Done<DeleteTeamStay.Removed>>(await _rig.RunAsync<DeleteTeamStay, Outcome>(u => u.RunAsync(new DeleteTeamStay.Input(4), _laura, CancellationToken.None)));
        var again = Assert.IsType<Done<DeleteTeamStay.Removed>>(await _rig.RunAsync<DeleteTeamStay, Outcome>(u => u.RunAsync(new DeleteTeamStay.Input(4), _laura, CancellationToken.None)));

        Assert.Equal((true, false), (first.Value.Existed, again.Value.Existed));
        Assert.Null(await Stay(4));
    }
}
