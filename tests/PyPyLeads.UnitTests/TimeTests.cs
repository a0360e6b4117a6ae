using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Time;

namespace PyPyLeads.UnitTests;

public sealed class TimeTests
{
    [Fact]
    public void Tour_clock_starts_at_its_setting_and_runs_forward()
    {
        var startsAt = new DateTimeOffset(2011, 3, 2, 9, 0, 0, TimeSpan.FromHours(-8));
        var clock = new TourClock(startsAt);
        var first = clock.GetUtcNow();
        Assert.InRange(first - startsAt, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, first.Offset);
        Thread.Sleep(20);
        Assert.True(clock.GetUtcNow() > first);
    }

    [Theory]
    [InlineData(2011, 3, 7, 11, 30, "America/Los_Angeles", 2011, 3, 7, 19, 30)] // Google Tech Talk, PST
    [InlineData(2011, 3, 2, 16, 15, "America/Los_Angeles", 2011, 3, 3, 0, 15)] // Stanford, crosses midnight UTC
    [InlineData(2011, 3, 14, 9, 0, "America/New_York", 2011, 3, 14, 13, 0)] // PyCon sprint, after the switch to EDT
    public void Local_times_convert_to_utc_by_the_place_s_zone(int y, int mo, int d, int h, int mi, string zone, int uy, int umo, int ud, int uh, int umi)
    {
        var utc = Zones.ToUtc(new DateTime(y, mo, d, h, mi, 0), zone);
        Assert.Equal(new DateTime(uy, umo, ud, uh, umi, 0, DateTimeKind.Utc), utc);
        Assert.Equal(new DateTime(y, mo, d, h, mi, 0), Zones.ToLocal(utc, zone));
    }

    [Fact]
    public void Zone_labels_follow_daylight_saving()
    {
        Assert.Equal("PST", Zones.Label(new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc), "America/Los_Angeles"));
        Assert.Equal("EDT", Zones.Label(new DateTime(2011, 3, 14, 13, 0, 0, DateTimeKind.Utc), "America/New_York"));
        Assert.Equal("UTC+05:30", Zones.Label(new DateTime(2011, 3, 14, 13, 0, 0, DateTimeKind.Utc), "Asia/Kolkata"));
    }

    [Theory]
    [InlineData("2011-03-02T17:00:00Z", 212)] // 09:00 Pacific on the day of the Stanford talk
    [InlineData("2011-09-30T21:59:00Z", 0)] // the last day, late evening in Stockholm
    [InlineData("2011-09-30T22:00:00Z", -1)] // midnight in Stockholm: the project has ended
    public void Days_left_count_calendar_days_in_the_consultancies_zone(string now, int expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        var calendar = new EurostarsCalendar(clock, Options.Create(new EurostarsOptions()));
        Assert.Equal(expected, calendar.DaysLeft());
        Assert.Equal(new DateTime(2011, 9, 30, 22, 0, 0, DateTimeKind.Utc), calendar.EndsAtUtc);
    }
}
