using Microsoft.EntityFrameworkCore;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>A user's own time zone, called directly on a real SQLite file.</summary>
public sealed class ChangeTimeZoneTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;

    public Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Change(string? zone, Caller caller) =>
        _rig.RunAsync<ChangeTimeZone, Outcome>(u => u.RunAsync(new ChangeTimeZone.Input(zone), caller, CancellationToken.None));

    private Task<string> ZoneOf(Caller caller) => _rig.DbAsync(db => db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TimeZoneId).SingleAsync());

    [Fact]
    public async Task A_user_changes_their_own_zone_and_nobody_else_s()
    {
        var armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se");
        var laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);

        var done = Assert.IsType<Done<ChangeTimeZone.Changed>>(await Change("America/Los_Angeles", armin));

        Assert.Equal("Saved: times are now shown in America/Los_Angeles.", done.Value.Message);
        Assert.Equal(("America/Los_Angeles", "Europe/Stockholm"), (await ZoneOf(armin), await ZoneOf(laura)));
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData(null)]
    public async Task A_zone_that_does_not_exist_is_refused_beside_the_field(string? zone)
    {
        var armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se");

        var invalid = Assert.IsType<Invalid>(await Change(zone, armin));

        Assert.Equal([new FieldError("TimeZoneId", "Choose a time zone from the list.")], invalid.Errors);
        Assert.Equal("Europe/Stockholm", await ZoneOf(armin));
    }

    [Fact]
    public async Task A_user_who_no_longer_exists_is_not_found()
    {
        var gone = new Caller("no such user", "Nobody", IsAdmin: false, ConsultancyId: null, TimeZoneId: "UTC");

        Assert.IsType<NotFound>(await Change("UTC", gone));
    }
}
