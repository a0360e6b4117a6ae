using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>Opening and marking read one's notifications (OpenNotification, MarkNotificationRead, MarkAllNotificationsRead), on a real SQLite file.</summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2011, 3, 3, 18, 0, 0, TimeSpan.FromHours(-8)));
    private UseCaseRig _rig = null!;
    private Caller _armin = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se");
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<long> NotifyAsync(Caller to, string url = "/followups/42") => _rig.DbAsync(async db =>
    {
        var n = new Notification { UserId = to.UserId, Title = "Follow up with Yelp", Url = url, CreatedAtUtc = _clock.GetUtcNow().UtcDateTime };
        db.Notifications.Add(n);
        await db.SaveChangesAsync();
        return n.Id;
    });

    private Task<DateTime?> ReadAt(long id) => _rig.DbAsync(db => db.Notifications.Where(n => n.Id == id).Select(n => n.ReadAtUtc).SingleAsync());

    [Fact]
    public async Task Opening_a_notification_marks_it_read_now_and_says_where_it_points()
    {
        var id = await NotifyAsync(_armin);

        var opened = Assert.IsType<Done<OpenNotification.Opened>>(await _rig.RunAsync<OpenNotification, Outcome>(u =>
            u.RunAsync(new OpenNotification.Input(id), _armin, CancellationToken.None)));

        Assert.Equal("/followups/42", opened.Value.Url);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, await ReadAt(id));
    }

    [Fact]
    public async Task Nobody_opens_or_marks_read_someone_else_s_notification()
    {
        var id = await NotifyAsync(_armin);

        Assert.IsType<NotFound>(await _rig.RunAsync<OpenNotification, Outcome>(u => u.RunAsync(new OpenNotification.Input(id), _laura, CancellationToken.None)));
        Assert.IsType<NotFound>(await _rig.RunAsync<MarkNotificationRead, Outcome>(u => u.RunAsync(new MarkNotificationRead.Input(id), _laura, CancellationToken.None)));

        Assert.Null(await ReadAt(id));
    }

    [Fact]
    public async Task Marking_read_keeps_the_first_time_it_was_read()
    {
        var id = await NotifyAsync(_armin);
        Assert.IsType<Done<MarkNotificationRead.Marked>>(await _rig.RunAsync<MarkNotificationRead, Outcome>(u => u.RunAsync(new MarkNotificationRead.Input(id), _armin, CancellationToken.None)));
        var first = await ReadAt(id);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.IsType<Done<MarkNotificationRead.Marked>>(await _rig.RunAsync<MarkNotificationRead, Outcome>(u => u.RunAsync(new MarkNotificationRead.Input(id), _armin, CancellationToken.None)));

        Assert.Equal(first, await ReadAt(id));
        Assert.NotNull(first);
    }

    [Fact]
    public async Task Marking_all_read_touches_only_the_caller_s_unread_notifications()
    {
        var mine = new[] { await NotifyAsync(_armin), await NotifyAsync(_armin) };
        var hers = await NotifyAsync(_laura);

        var marked = Assert.IsType<Done<MarkAllNotificationsRead.Marked>>(await _rig.RunAsync<MarkAllNotificationsRead, Outcome>(u => u.RunAsync(_armin, CancellationToken.None)));

        Assert.Equal(2, marked.Value.Count);
        foreach (var id in mine)
        {
            Assert.NotNull(await ReadAt(id));
        }
        Assert.Null(await ReadAt(hers));
        Assert.Equal(0, await _rig.DbAsync(db => db.Notifications.CountAsync(n => n.UserId == _armin.UserId && n.ReadAtUtc == null)));
    }
}
