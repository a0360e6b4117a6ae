using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>Ending sessions (one, or all others) and the limits on a session's life, called directly on a real SQLite file.</summary>
public sealed class EndSessionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private UseCaseRig _rig = null!;
    private Caller _armin = null!;
    private Caller _maciej = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.With("Sessions:IdleMinutes", "30").With("Sessions:AbsoluteHours", "2")
            .WithServices(s => s.AddSingleton(new SessionClock(_clock))));
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se");
        _maciej = await _rig.UserAsync("Maciej Fijalkowski", "fijal@merlinux.eu");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<string> SessionAsync(string userId) =>
        _rig.RunAsync<Sessions, string>(s => s.StartAsync(userId, "192.0.2.1", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", CancellationToken.None));

    private Task<SessionCheck> CheckAsync(string sessionId, string userId) =>
        _rig.RunAsync<Sessions, SessionCheck>(s => s.CheckAsync(sessionId, userId, CancellationToken.None));

    [Fact]
    public async Task A_user_ends_one_of_their_sessions_and_only_that_one()
    {
        var phone = await SessionAsync(_armin.UserId);
        var laptop = await SessionAsync(_armin.UserId);

        Assert.IsType<Done<EndSession.Ended>>(await _rig.RunAsync<EndSession, Outcome>(u => u.RunAsync(new(phone), _armin, CancellationToken.None)));

        Assert.Equal(new SessionCheck(false, SessionEnd.EndedByUser, false), await CheckAsync(phone, _armin.UserId));
        Assert.True((await CheckAsync(laptop, _armin.UserId)).Active);
    }

    [Fact]
    public async Task A_member_cannot_end_another_users_session()
    {
        var arminsPhone = await SessionAsync(_armin.UserId);

        Assert.IsType<NotAllowed>(await _rig.RunAsync<EndSession, Outcome>(u => u.RunAsync(new(arminsPhone), _maciej, CancellationToken.None)));

        Assert.True((await CheckAsync(arminsPhone, _armin.UserId)).Active);
    }

    [Fact]
    public async Task Signing_out_everywhere_else_ends_every_other_session_of_the_user_and_no_one_elses()
    {
        var here = await SessionAsync(_armin.UserId);
        var phone = await SessionAsync(_armin.UserId);
        var tablet = await SessionAsync(_armin.UserId);
        var maciejs = await SessionAsync(_maciej.UserId);

        var done = Assert.IsType<Done<EndOtherSessions.Ended>>(
            await _rig.RunAsync<EndOtherSessions, Outcome>(u => u.RunAsync(new(here), _armin, CancellationToken.None)));

        Assert.Equal(2, done.Value.Count);
        Assert.True((await CheckAsync(here, _armin.UserId)).Active);
        Assert.False((await CheckAsync(phone, _armin.UserId)).Active);
        Assert.False((await CheckAsync(tablet, _armin.UserId)).Active);
        Assert.True((await CheckAsync(maciejs, _maciej.UserId)).Active);
    }

    [Fact]
    public async Task A_session_is_not_accepted_for_another_user()
    {
        var arminsPhone = await SessionAsync(_armin.UserId);

        Assert.Equal(new SessionCheck(false, null, false), await CheckAsync(arminsPhone, _maciej.UserId));
        Assert.Equal(new SessionCheck(false, null, false), await CheckAsync("no-such-session", _armin.UserId));
    }

    [Fact]
    public async Task A_session_idle_for_longer_than_the_setting_ends_and_one_in_use_does_not()
    {
        var busy = await SessionAsync(_armin.UserId);
        var idle = await SessionAsync(_armin.UserId);

        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True((await CheckAsync(busy, _armin.UserId)).Active);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.True((await CheckAsync(busy, _armin.UserId)).Active);
        Assert.Equal(new SessionCheck(false, SessionEnd.Idle, true), await CheckAsync(idle, _armin.UserId));
        // Ended once: the next look finds it ended, not ending.
        Assert.Equal(new SessionCheck(false, SessionEnd.Idle, false), await CheckAsync(idle, _armin.UserId));
    }

    [Fact]
    public async Task A_session_older_than_the_absolute_lifetime_ends_however_busy()
    {
        var session = await SessionAsync(_armin.UserId);
        for (var i = 0; i < 4; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(29));
            Assert.True((await CheckAsync(session, _armin.UserId)).Active);
        }
        _clock.Advance(TimeSpan.FromMinutes(5)); // 2 h 1 min after sign-in, seen 5 minutes ago

        Assert.Equal(new SessionCheck(false, SessionEnd.TooOld, true), await CheckAsync(session, _armin.UserId));
    }

    [Fact]
    public async Task Last_seen_is_written_at_most_once_a_minute()
    {
        var session = await SessionAsync(_armin.UserId);
        var signedIn = _clock.GetUtcNow().UtcDateTime;
        Task<DateTime> LastSeenAsync() => _rig.DbAsync(db => db.UserSessions.Where(s => s.Id == session).Select(s => s.LastSeenAtUtc).SingleAsync());

        _clock.Advance(TimeSpan.FromSeconds(50));
        await CheckAsync(session, _armin.UserId);
        Assert.Equal(signedIn, await LastSeenAsync());

        _clock.Advance(TimeSpan.FromSeconds(20));
        await CheckAsync(session, _armin.UserId);
        Assert.Equal(signedIn.AddSeconds(70), await LastSeenAsync());
    }

    [Fact]
    public async Task The_sessions_page_lists_the_users_active_sessions_with_their_device_and_address()
    {
        var session = await SessionAsync(_armin.UserId);
        await SessionAsync(_maciej.UserId);

        var active = await _rig.RunAsync<Sessions, IReadOnlyList<UserSession>>(s => s.ActiveAsync(_armin.UserId, CancellationToken.None));

        var only = Assert.Single(active);
        Assert.Equal((session, "Firefox on Linux", "192.0.2.1"), (only.Id, only.Device, only.ClientAddress));
        // Past the idle limit it is no longer shown, though no request has ended it yet.
        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Empty(await _rig.RunAsync<Sessions, IReadOnlyList<UserSession>>(s => s.ActiveAsync(_armin.UserId, CancellationToken.None)));
    }
}
