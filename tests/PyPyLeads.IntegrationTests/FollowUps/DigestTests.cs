using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The daily digest: at 08:00 in each owner's zone, what is due that day and overdue; nothing for nobody.</summary>
public sealed class DigestTests
{
    [Fact]
    public async Task Each_owner_gets_one_digest_at_eight_in_their_zone_with_what_is_overdue_and_due_that_day()
    {
        await using var rig = await ReminderRig.StartAsync();
        // Laura (admin) is in Stockholm; invited members are in the Pacific zone.
        await People.MemberAsync(rig.App, rig.Admin, "Maciej Fijałkowski", "fijal@example.org");
        await People.MemberAsync(rig.App, rig.Admin, "Armin Rigo", "arigo@example.org");
        var laura = await rig.UserIdAsync(People.AdminEmail);
        var maciej = await rig.UserIdAsync("fijal@example.org");
        var armin = await rig.UserIdAsync("arigo@example.org");
        Assert.NotEqual(laura, armin);
        var yelp = await rig.CompanyAsync("Yelp");
        var google = await rig.CompanyAsync("Google");
        var mozilla = await rig.CompanyAsync("Mozilla");

        // Now: Wed 2 Mar 2011, 18:00 CET = 09:00 PST.
        async Task<int> Schedule(int company, string dueLocal, string owner, string zone, string note)
        {
            var response = await ReminderRig.PostNewAsync(rig.Admin, company, dueLocal, owner, zone, note);
            People.Expect(response, HttpStatusCode.Redirect);
            return int.Parse(response.Headers.Location!.OriginalString.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        }
        await Schedule(yelp, "2011-03-02T20:00", laura, "Europe/Stockholm", "Send the slides");           // overdue by Thursday
        await Schedule(google, "2011-03-03T15:00", laura, "Europe/Stockholm", "Ask about the video");     // due Thursday
        var friday = await Schedule(mozilla, "2011-03-04T10:00", laura, "Europe/Stockholm", "Lunch?");    // due Friday
        await Schedule(google, "2011-03-03T07:00", maciej, "America/Los_Angeles", "Tech talk follow-up"); // before his 08:00
        await Schedule(mozilla, "2011-03-03T17:00", maciej, "America/Los_Angeles", "Videoconference");
        await Schedule(yelp, "2011-03-05T12:00", armin, "America/Los_Angeles", "Noisebridge sprint");      // not due Thursday

        // Thursday 07:59 in Stockholm: nothing yet.
        rig.Clock.Advance(new DateTimeOffset(2011, 3, 3, 6, 59, 0, TimeSpan.Zero) - rig.Clock.GetUtcNow());
        Assert.Equal(0, await rig.SendDigestsAsync());
        Assert.Empty(rig.Smtp.Received);

        // 08:00 in Stockholm: Laura's, and only hers.
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await rig.SendDigestsAsync());
        var hers = Assert.Single(rig.Smtp.Received);
        Assert.Equal(People.AdminEmail, hers.To);
        Assert.Equal("Your follow-ups for Thu 3 Mar 2011: 1 overdue, 1 due later today", hers.Message.Subject);
        var text = hers.Text;
        Assert.True(text.IndexOf("Overdue:", StringComparison.Ordinal) < text.IndexOf("- Wed 2 Mar 2011, 20:00 CET: Yelp — Send the slides", StringComparison.Ordinal));
        Assert.True(text.IndexOf("Due later today:", StringComparison.Ordinal) < text.IndexOf("- Thu 3 Mar 2011, 15:00 CET: Google — Ask about the video", StringComparison.Ordinal));
        Assert.DoesNotContain("Mozilla", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Tech talk", text, StringComparison.Ordinal);

        // Every minute the job runs again; nobody gets a second one.
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await rig.SendDigestsAsync());
        // 07:59 Pacific: still only Laura's.
        rig.Clock.Advance(new DateTimeOffset(2011, 3, 3, 15, 59, 0, TimeSpan.Zero) - rig.Clock.GetUtcNow());
        Assert.Equal(0, await rig.SendDigestsAsync());

        // 08:00 Pacific: Maciej's, in his zone. Armin has nothing due: nothing for him, at any time that day.
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await rig.SendDigestsAsync());
        var his = rig.Smtp.Received[1];
        Assert.Equal("fijal@example.org", his.To);
        Assert.Equal("Your follow-ups for Thu 3 Mar 2011: 1 overdue, 1 due later today", his.Message.Subject);
        Assert.Contains("- Thu 3 Mar 2011, 07:00 PST: Google — Tech talk follow-up", his.Text, StringComparison.Ordinal);
        Assert.Contains("- Thu 3 Mar 2011, 17:00 PST: Mozilla — Videoconference", his.Text, StringComparison.Ordinal);
        rig.Clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(0, await rig.SendDigestsAsync());
        Assert.Equal(2, rig.Smtp.Received.Count);
        Assert.DoesNotContain(rig.Smtp.Received, m => m.To == "arigo@example.org");

        // Friday 08:00 in Stockholm: the Friday one is due today, the others still overdue; a done one is left out.
        People.Expect(await rig.Admin.PostFormAsync($"/followups/{friday}", new Dictionary<string, string>(), $"/followups/{friday}/done"), HttpStatusCode.Redirect);
        rig.Clock.Advance(new DateTimeOffset(2011, 3, 4, 7, 0, 0, TimeSpan.Zero) - rig.Clock.GetUtcNow());
        Assert.Equal(1, await rig.SendDigestsAsync());
        var friday8 = rig.Smtp.Received[2];
        Assert.Equal("Your follow-ups for Fri 4 Mar 2011: 2 overdue", friday8.Message.Subject);
        Assert.DoesNotContain("Lunch?", friday8.Text, StringComparison.Ordinal);

        var records = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Digests.AsNoTracking().OrderBy(d => d.Id).ToListAsync());
        // Maciej's Wednesday (already past 08:00 Pacific at the first check) had nothing due: recorded, not sent.
        // Armin never had anything due within a day, so nothing was ever considered for him.
        Assert.Equal([(maciej, new DateOnly(2011, 3, 2), DigestState.NothingDue), (laura, new DateOnly(2011, 3, 3), DigestState.Sent),
                      (maciej, new DateOnly(2011, 3, 3), DigestState.Sent), (laura, new DateOnly(2011, 3, 4), DigestState.Sent)],
            records.Select(r => (r.UserId, r.LocalDate, r.State)));
    }

    [Fact]
    public async Task Digest_senders_racing_on_two_instances_send_one_digest()
    {
        await using var rig = await ReminderRig.StartAsync();
        var second = rig.SecondInstance(jobServer: false);
        var yelp = await rig.CompanyAsync("Yelp");
        await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(2));
        rig.Clock.Advance(new DateTimeOffset(2011, 3, 3, 7, 0, 0, TimeSpan.Zero) - rig.Clock.GetUtcNow());

        var sent = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => rig.SendDigestsAsync(i % 2 == 0 ? rig.App : second))));

        Assert.Equal(1, sent.Sum());
        // (The second instance's start-up reconcile also delivers the follow-up's own reminder, which is due.)
        Assert.Single(rig.Smtp.Received, m => m.Message.Subject?.StartsWith("Your follow-ups for", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_digest_that_cannot_be_sent_is_retried_and_then_reported()
    {
        await using var rig = await ReminderRig.StartAsync(configure: app => app.With("FollowUps:RetryAfterSeconds", "60"));
        var yelp = await rig.CompanyAsync("Yelp");
        await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(2));
        await rig.Smtp.StopAsync();
        rig.Clock.Advance(new DateTimeOffset(2011, 3, 3, 7, 0, 0, TimeSpan.Zero) - rig.Clock.GetUtcNow());

        Assert.Equal(0, await rig.SendDigestsAsync());
        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await rig.SendDigestsAsync()); // within the back-off: not tried
        rig.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await rig.SendDigestsAsync()); // second and last try, also failing
        var record = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Digests.AsNoTracking().SingleAsync());
        Assert.Equal((DigestState.Failed, 2), (record.State, record.AttemptCount));
        var page = await rig.Admin.GetPageAsync("/followups");
        Assert.Contains("1 daily digest could not be delivered.", page.QuerySelector("[data-testid=reminder-health]")!.TextContent, StringComparison.Ordinal);

        rig.Smtp.Start();
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await rig.SendDigestsAsync()); // a failed day is not sent twice later
    }
}
