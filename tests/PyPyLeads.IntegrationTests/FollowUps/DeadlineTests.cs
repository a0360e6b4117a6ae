using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>After now, before the Eurostars end; flagged, not dropped, when the end moves; the last safe day and escalation.</summary>
public sealed class DeadlineTests
{
    [Fact]
    public async Task A_follow_up_must_fall_after_now_and_before_the_Eurostars_end_with_a_message_beside_the_field()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var laura = await rig.UserIdAsync(People.AdminEmail);

        async Task<string?> Refused(string due, string zone = "Europe/Stockholm", string? owner = null, string field = "FollowUp.DueLocal")
        {
            var response = await ReminderRig.PostNewAsync(rig.Admin, yelp, due, owner ?? laura, zone);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadPageAsync();
            // What was typed is still there.
            Assert.Equal(due, page.QuerySelector("#FollowUp_DueLocal")!.GetAttribute("value") ?? "");
            return page.FieldError(field);
        }

        // Now is Wed 2 Mar 2011, 18:00 in Stockholm.
        Assert.Equal("Choose a time after now: a follow-up in the past would never remind anyone.", await Refused("2011-03-02T17:59"));
        Assert.Equal("Choose a time after now: a follow-up in the past would never remind anyone.", await Refused("2011-03-02T18:00"));
        Assert.Equal("Choose a time before the Eurostars project ends (end of Fri 30 September 2011, CEST).", await Refused("2011-10-01T00:00"));
        Assert.Equal("Choose a time before the Eurostars project ends (end of Fri 30 September 2011, CEST).", await Refused("2011-09-30T15:00", "America/Los_Angeles"));
        Assert.Equal("Enter a date and a time, such as 2011-03-04 10:00.", await Refused("next tuesday"));
        Assert.Equal("Enter when to follow up.", await Refused(""));
        Assert.Equal("That time does not exist there: the clocks jump forward that night. Choose another time.", await Refused("2011-03-13T02:30", "America/Los_Angeles"));
        Assert.Equal("Choose a time zone from the list.", await Refused("2011-03-04T10:00", "Mars/Olympus_Mons", field: "FollowUp.TimeZoneId"));
        Assert.Equal(FollowUpRules.OwnerNotFromTheList, await Refused("2011-03-04T10:00", owner: "' OR 1=1 --", field: "FollowUp.OwnerUserId"));
        Assert.Equal(0, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.CountAsync()));

        // The last minute before the end is fine, and a minute after now.
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-09-30T23:59", laura), HttpStatusCode.Redirect);
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-03-02T18:01", laura), HttpStatusCode.Redirect);
        Assert.Equal(2, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.CountAsync()));

        // An unknown company is not a page.
        Assert.Equal(HttpStatusCode.NotFound, (await rig.Admin.GetAsync("/followups/new?companyId=4242")).StatusCode);
    }

    [Fact]
    public async Task When_the_Eurostars_end_moves_earlier_later_follow_ups_are_flagged_once_and_still_remind()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var laura = await rig.UserIdAsync(People.AdminEmail);
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-09-20T10:00", laura, note: "Renewal talk"), HttpStatusCode.Redirect);
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-08-01T10:00", laura), HttpStatusCode.Redirect);
        var (late, early) = await rig.InScopeAsync(async sp =>
        {
            var ids = await sp.GetRequiredService<LeadsDbContext>().FollowUps.OrderByDescending(f => f.DueAtUtc).Select(f => f.Id).ToListAsync();
            return (ids[0], ids[1]);
        });
        Assert.Null((await rig.Admin.GetPageAsync("/followups")).QuerySelector("[data-testid=after-end-warning]"));

        await rig.RestartAsync(app => app.With("Eurostars:EndsOn", "2011-09-15"));
        // The start-up reconcile flags it; another reconcile does not flag it again.
        await DeliveryTests.WaitUntilAsync(async () => (await rig.FollowUpAsync(late)).FlaggedAfterEndUtc is not null);
        await rig.ReconcileAsync();
        await rig.ReconcileAsync();

        var notifications = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.Select(n => n.Title).ToListAsync());
        Assert.Equal(["Your follow-up with Yelp now falls after the Eurostars end (15 September 2011)"], notifications);
        Assert.Single(await rig.TimelineAsync(yelp), t => t.Kind == "followup.after-end");
        Assert.Null((await rig.FollowUpAsync(early)).FlaggedAfterEndUtc);

        var list = await rig.Admin.GetPageAsync("/followups");
        Assert.Contains("1 follow-up falls after the Eurostars end (Thu 15 Sep 2011)", list.QuerySelector("[data-testid=after-end-warning]")!.TextContent, StringComparison.Ordinal);
        var rows = list.QuerySelectorAll("[data-testid=upcoming] [data-testid=followup]");
        Assert.Equal(2, rows.Length);
        Assert.Null(rows[0].QuerySelector("[data-testid=after-end]"));
        Assert.NotNull(rows[1].QuerySelector("[data-testid=after-end]"));

        // Not dropped: still scheduled with a live job, and reminded when it falls due.
        var flagged = await rig.FollowUpAsync(late);
        Assert.Equal(FollowUpState.Scheduled, flagged.State);
        Assert.Equal("Scheduled", rig.JobState(flagged.HangfireJobId));
        // A new one at that time is refused under the new end.
        var refused = await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-09-20T10:00", laura);
        Assert.Equal("Choose a time before the Eurostars project ends (end of Thu 15 September 2011, CEST).", (await refused.ReadPageAsync()).FieldError("FollowUp.DueLocal"));

        rig.Clock.Advance(flagged.DueAtUtc - rig.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(late));
        var mail = rig.Smtp.Received.Single(m => m.Message.Headers["X-PyPyLeads-FollowUp"] == late.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("falls after the Eurostars project ends (15 September 2011)", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_lead_shows_its_last_safe_day_and_a_lead_in_an_open_deal_with_no_follow_up_before_it_escalates()
    {
        await using var rig = await ReminderRig.StartAsync(configure: app => app
            .With("FollowUps:LeadTimeDays", "30")
            .WithServices(s => s.Replace(ServiceDescriptor.Singleton<IOpenDeals>(new OpenDealsFor("Yelp", "Google")))));
        var yelp = await rig.CompanyAsync("Yelp");
        var google = await rig.CompanyAsync("Google");
        var mozilla = await rig.CompanyAsync("Mozilla");
        var laura = await rig.UserIdAsync(People.AdminEmail);
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, google, "2011-08-15T10:00", laura), HttpStatusCode.Redirect);

        // 30 September minus 30 days.
        var page = await rig.Admin.GetPageAsync($"/followups/new?companyId={yelp}");
        Assert.Contains("Last safe follow-up: Wed 31 Aug 2011", page.QuerySelector("[data-testid=last-safe-day]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=escalation]"));
        Assert.Null((await rig.Admin.GetPageAsync($"/followups/new?companyId={google}")).QuerySelector("[data-testid=escalation]"));
        Assert.Null((await rig.Admin.GetPageAsync($"/followups/new?companyId={mozilla}")).QuerySelector("[data-testid=escalation]"));
        Assert.Equal(["Yelp"], Escalated(await rig.Admin.GetPageAsync("/followups")));

        // A follow-up after the last safe day does not help (and says so)...
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-09-10T10:00", laura), HttpStatusCode.Redirect);
        var list = await rig.Admin.GetPageAsync("/followups");
        Assert.Equal(["Yelp"], Escalated(list));
        Assert.NotNull(list.QuerySelector("[data-testid=after-last-safe]"));
        // ...one before it does.
        People.Expect(await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-08-31T23:00", laura), HttpStatusCode.Redirect);
        Assert.Empty(Escalated(await rig.Admin.GetPageAsync("/followups")));
        Assert.Null((await rig.Admin.GetPageAsync($"/followups/new?companyId={yelp}")).QuerySelector("[data-testid=escalation]"));

        static List<string> Escalated(AngleSharp.Html.Dom.IHtmlDocument page) =>
            page.QuerySelectorAll("[data-testid=escalations] li").Select(li => li.TextContent.Trim()).ToList();
    }

    /// <summary>Stands in for the deals feature: these companies are in an open deal.</summary>
    private sealed class OpenDealsFor(params string[] names) : IOpenDeals
    {
        public IQueryable<int> CompanyIds(LeadsDbContext db) => db.Companies.Where(c => names.Contains(c.Name)).Select(c => c.Id);
    }
}
