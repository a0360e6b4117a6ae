using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.IntegrationTests.Companies;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>The pages: what they show, who may change what, bad input, stale edits, the bell, the health banner.</summary>
public sealed class FollowUpPagesTests
{
    [Fact]
    public async Task Every_follow_up_page_loads_without_inline_script()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(1), "Send the slides");
        foreach (var path in new[] { "/followups", "/followups?owner=all", $"/followups/new?companyId={yelp}", $"/followups/{id}", $"/followups/{id}/edit",
                     $"/followups/{id}/done", $"/followups/{id}/snooze", "/notifications", "/settings" })
        {
            var page = await rig.Admin.GetPageAsync(path);
            Assert.All(page.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source), $"inline script on {path}"));
        }
        var list = await rig.Admin.GetPageAsync("/followups");
        var row = Assert.Single(list.QuerySelectorAll("[data-testid=upcoming] [data-testid=followup]"));
        Assert.Contains("Wed 2 Mar 2011, 19:00 CET", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Send the slides", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull(list.QuerySelector("nav a[href='/followups']"));
    }

    [Fact]
    public async Task The_email_s_links_open_pages_that_need_sign_in_and_change_nothing_until_the_button_is_pressed()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(1));

        var anonymous = rig.App.Client();
        var redirect = await anonymous.GetAsync($"/followups/{id}/done");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("http://localhost/account/signin?ReturnUrl=%2Ffollowups%2F", redirect.Headers.Location!.ToString(), StringComparison.Ordinal);

        var page = await rig.Admin.GetPageAsync($"/followups/{id}/done");
        Assert.Contains("Mark this follow-up done?", page.QuerySelector("[data-testid=focus]")!.TextContent, StringComparison.Ordinal);
        await rig.Admin.GetPageAsync($"/followups/{id}/snooze");
        Assert.Equal(FollowUpState.Scheduled, (await rig.FollowUpAsync(id)).State);

        // A POST without the page's antiforgery token is refused.
        var forged = await rig.Admin.PostAsync($"/followups/{id}/done", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(FollowUpState.Scheduled, (await rig.FollowUpAsync(id)).State);

        People.Expect(await rig.Admin.PostFormAsync($"/followups/{id}/done", new Dictionary<string, string>(), $"/followups/{id}/done"), HttpStatusCode.Redirect, $"/followups/{id}");
        var done = await rig.FollowUpAsync(id);
        Assert.Equal(FollowUpState.Done, done.State);
        Assert.Equal(rig.Clock.GetUtcNow().UtcDateTime, done.DoneAtUtc);
        // The link again: nothing left to do. A late cancel (an old tab): a message, no change.
        var after = await rig.Admin.GetPageAsync($"/followups/{id}/done");
        Assert.Contains("already done", after.QuerySelector("[data-testid=focus]")!.TextContent, StringComparison.Ordinal);
        var token = after.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var oldTabVersion = page.QuerySelector("[data-testid=focus] input[name=version]")!.GetAttribute("value")!;
        var late = await rig.Admin.PostAsync($"/followups/{id}/cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["version"] = oldTabVersion,
        }));
        People.Expect(late, HttpStatusCode.Redirect, $"/followups/{id}");
        Assert.Contains("already done", (await rig.Admin.GetPageAsync($"/followups/{id}")).QuerySelector("[data-testid=flash-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(FollowUpState.Done, (await rig.FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task Only_the_owner_the_creator_or_an_admin_may_change_a_follow_up()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var maciej = await People.MemberAsync(rig.App, rig.Admin, "Maciej Fijałkowski", "fijal@example.org");
        var alex = await People.MemberAsync(rig.App, rig.Admin, "Alex Gaynor", "alex@example.org");
        // Maciej schedules one for himself.
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(3), client: maciej, ownerUserId: await rig.UserIdAsync("fijal@example.org"));

        // Alex sees it, without buttons, and cannot change it.
        var seen = await alex.GetPageAsync($"/followups/{id}");
        Assert.Null(seen.QuerySelector("[data-testid=done]"));
        var token = (await alex.GetPageAsync("/followups")).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value");
        Assert.NotNull(token);
        foreach (var action in new[] { "done", "cancel", "snooze", "retry", "edit" })
        {
            var response = await alex.PostAsync($"/followups/{id}/{action}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["For"] = "15m", ["Version"] = "0",
            }));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await alex.GetAsync($"/followups/{id}/edit")).StatusCode);
        Assert.Equal(FollowUpState.Scheduled, (await rig.FollowUpAsync(id)).State);

        // Laura is an admin: she may.
        People.Expect(await rig.Admin.PostFormAsync($"/followups/{id}", new Dictionary<string, string> { ["For"] = "1h" }, $"/followups/{id}/snooze"), HttpStatusCode.Redirect);
        Assert.Equal(rig.Clock.GetUtcNow().UtcDateTime.AddHours(1), (await rig.FollowUpAsync(id)).DueAtUtc);
    }

    [Fact]
    public async Task Hostile_notes_are_refused_with_a_message_or_stored_exactly_and_shown_encoded()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp <b>Inc</b>");
        var laura = await rig.UserIdAsync(People.AdminEmail);

        var tooLong = await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-03-04T10:00", laura, note: new string('x', 10_000));
        Assert.Equal("Keep the note to 2,000 characters.", (await tooLong.ReadPageAsync()).FieldError("FollowUp.Note"));
        var control = await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-03-04T10:00", laura, note: "bell\u0007 and escape\u001b");
        Assert.Equal("The note contains control characters; remove them.", (await control.ReadPageAsync()).FieldError("FollowUp.Note"));
        // ASP.NET Core refuses to read a form with a NUL in it at all: a 400 with a friendly page, never a 500.
        var nul = await ReminderRig.PostNewAsync(rig.Admin, yelp, "2011-03-04T10:00", laura, note: "null\0");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Contains("The form could not be read.", await nul.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var anonymous = await rig.App.Client().PostAsync("/account/signin", new StringContent("Email=%00", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        // A form that claims no follow-up is wanted does not skip the rules on this page.
        var unwanted = await rig.Admin.PostFormAsync($"/followups/new?companyId={yelp}", new Dictionary<string, string>
        {
            ["FollowUp.Wanted"] = "false", ["FollowUp.DueLocal"] = "", ["FollowUp.TimeZoneId"] = "", ["FollowUp.OwnerUserId"] = "",
        }, "/followups/new");
        Assert.Equal(HttpStatusCode.OK, unwanted.StatusCode);
        Assert.Equal(0, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.CountAsync()));

        const string hostile = "<script>alert('x')</script> \u202Eטקסט\u202C'; DROP TABLE FollowUps; --\nsecond line";
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromMinutes(5), hostile);
        Assert.Equal(hostile, (await rig.FollowUpAsync(id)).Note);
        var html = await rig.Admin.GetStringAsync($"/followups/{id}");
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Yelp &lt;b&gt;Inc&lt;/b&gt;", html, StringComparison.Ordinal);
        var page = Forms.Parse(html);
        Assert.Equal(hostile, page.QuerySelector("[data-testid=note]")!.TextContent);

        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(id));
        var mail = Assert.Single(rig.Smtp.Received);
        Assert.Contains(hostile, mail.Text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.Html, StringComparison.Ordinal);
        Assert.Equal("Follow up with Yelp <b>Inc</b>: due Wed 2 Mar 2011, 18:05 CET", mail.Message.Subject);
    }

    [Fact]
    public async Task A_stale_edit_is_refused_and_shows_the_other_person_s_version()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(2), "Original note");
        var laura = await rig.UserIdAsync(People.AdminEmail);
        var otherTab = rig.App.Client();
        People.Expect(await People.SignInAsync(otherTab, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");

        // Both open the edit page; one saves first.
        var stalePage = await rig.Admin.GetPageAsync($"/followups/{id}/edit");
        var staleVersion = stalePage.QuerySelector("input[name=Version]")!.GetAttribute("value")!;
        People.Expect(await otherTab.PostFormAsync($"/followups/{id}/edit", new Dictionary<string, string>
        {
            ["FollowUp.DueLocal"] = "2011-03-02T21:00", ["FollowUp.TimeZoneId"] = "Europe/Stockholm", ["FollowUp.OwnerUserId"] = laura, ["FollowUp.Note"] = "Their note",
        }, $"/followups/{id}/edit"), HttpStatusCode.Redirect);

        var token = stalePage.QuerySelector("main input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var stale = await rig.Admin.PostAsync($"/followups/{id}/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Version"] = staleVersion, ["FollowUp.Wanted"] = "true",
            ["FollowUp.CurrentDueUtc"] = stalePage.QuerySelector("input[name='FollowUp.CurrentDueUtc']")!.GetAttribute("value")!,
            ["FollowUp.DueLocal"] = "2011-03-02T22:00", ["FollowUp.TimeZoneId"] = "Europe/Stockholm", ["FollowUp.OwnerUserId"] = laura, ["FollowUp.Note"] = "My note",
        }));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        var page = await stale.ReadPageAsync();
        Assert.Contains("Someone else changed this follow-up", page.QuerySelector("[data-testid=form-errors]")!.TextContent, StringComparison.Ordinal);
        var theirs = page.QuerySelector("[data-testid=their-version]")!.TextContent;
        Assert.Contains("Their note", theirs, StringComparison.Ordinal);
        Assert.Contains("Wed 2 Mar 2011, 21:00 CET", theirs, StringComparison.Ordinal);
        // Mine is still in the form, nothing of it saved.
        Assert.Equal("My note", page.QuerySelector("#FollowUp_Note")!.TextContent);
        Assert.Equal("2011-03-02T22:00", page.QuerySelector("#FollowUp_DueLocal")!.GetAttribute("value"));
        var now = await rig.FollowUpAsync(id);
        Assert.Equal("Their note", now.Note);
        Assert.Equal(new DateTime(2011, 3, 2, 20, 0, 0, DateTimeKind.Utc), now.DueAtUtc);
    }

    [Fact]
    public async Task Snoozing_offers_15_minutes_an_hour_and_tomorrow_morning_in_the_owner_s_zone()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        await rig.RunJobAsync(id);

        async Task<DateTime> Snooze(string choice)
        {
            People.Expect(await rig.Admin.PostFormAsync($"/followups/{id}", new Dictionary<string, string> { ["For"] = choice }, $"/followups/{id}/snooze"), HttpStatusCode.Redirect);
            var f = await rig.FollowUpAsync(id);
            Assert.Equal(FollowUpState.Scheduled, f.State);
            Assert.Equal("Scheduled", rig.JobState(f.HangfireJobId));
            return f.DueAtUtc;
        }
        var now = rig.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(now.AddMinutes(15), await Snooze("15m"));
        Assert.Equal(now.AddHours(1), await Snooze("1h"));
        // Tomorrow 09:00 in Stockholm (Laura's zone) is 08:00 UTC.
        Assert.Equal(new DateTime(2011, 3, 3, 8, 0, 0, DateTimeKind.Utc), await Snooze("tomorrow"));
        var page = await rig.Admin.GetPageAsync($"/followups/{id}");
        Assert.Contains("Thu 3 Mar 2011, 09:00 CET", page.QuerySelector("[data-testid=due]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(["followup.snoozed"], (await rig.TimelineAsync(yelp)).Select(t => new[] { t.Kind }).ToList());

        // A snooze past the Eurostars end is refused with the reason.
        rig.Clock.Advance(new DateTimeOffset(2011, 9, 30, 21, 50, 0, TimeSpan.Zero) - rig.Clock.GetUtcNow());
        var refused = await rig.Admin.PostFormAsync($"/followups/{id}", new Dictionary<string, string> { ["For"] = "15m" }, $"/followups/{id}/snooze");
        var after = await rig.Admin.GetPageAsync(refused.Headers.Location!.OriginalString);
        Assert.Contains("before the Eurostars project ends", after.QuerySelector("[data-testid=flash-error]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_are_counted_by_the_bell_and_can_be_opened_and_marked_read()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var first = await rig.NewFollowUpAsync(yelp, TimeSpan.FromMinutes(1));
        var second = await rig.NewFollowUpAsync(yelp, TimeSpan.FromMinutes(1));
        var third = await rig.NewFollowUpAsync(yelp, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        await rig.ReconcileAsync();

        async Task<int> Count() => JsonDocument.Parse(await rig.Admin.GetStringAsync("/notifications/unread-count")).RootElement.GetProperty("count").GetInt32();
        Assert.Equal(3, await Count());
        Assert.Equal("3", (await rig.Admin.GetPageAsync("/")).QuerySelector("[data-testid=bell-count]")!.TextContent.Trim());

        var list = await rig.Admin.GetPageAsync("/notifications");
        Assert.Equal(3, list.QuerySelectorAll("[data-testid=notification][data-unread=true]").Length);
        var ids = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.OrderBy(n => n.Id).Select(n => n.Id).ToListAsync());

        // Opening one goes to the follow-up and marks it read.
        var opened = await rig.Admin.PostFormAsync("/notifications", new Dictionary<string, string>(), $"/notifications/{ids[0]}/open");
        People.Expect(opened, HttpStatusCode.Redirect, $"/followups/{first}");
        Assert.Equal(2, await Count());
        People.Expect(await rig.Admin.PostFormAsync("/notifications", new Dictionary<string, string>(), $"/notifications/{ids[1]}/read"), HttpStatusCode.Redirect, "/notifications");
        Assert.Equal(1, await Count());
        People.Expect(await rig.Admin.PostFormAsync("/notifications", new Dictionary<string, string>(), "/notifications/read-all"), HttpStatusCode.Redirect, "/notifications");
        Assert.Equal(0, await Count());
        Assert.Contains("d-none", (await rig.Admin.GetPageAsync("/")).QuerySelector("[data-testid=bell-count]")!.ClassName, StringComparison.Ordinal);

        // Someone else's notifications are not theirs to see or open.
        var alex = await People.MemberAsync(rig.App, rig.Admin, "Alex Gaynor", "alex@example.org");
        Assert.Empty((await alex.GetPageAsync("/notifications")).QuerySelectorAll("[data-testid=notification]"));
        Assert.Equal(0, JsonDocument.Parse(await alex.GetStringAsync("/notifications/unread-count")).RootElement.GetProperty("count").GetInt32());
        var token = (await alex.GetPageAsync("/notifications")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var theirs = await alex.PostAsync($"/notifications/{ids[2]}/open", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal([first, second, third], await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.OrderBy(n => n.Id).Select(n => n.FollowUpId!.Value).ToListAsync()));
    }

    [Fact]
    public async Task Admins_see_a_banner_and_health_reports_it_while_no_job_server_runs()
    {
        await using (var rig = await ReminderRig.StartAsync(jobServer: false))
        {
            var home = await rig.Admin.GetPageAsync("/");
            Assert.Contains("No background job server is running", home.QuerySelector("[data-testid=reminder-health]")!.TextContent, StringComparison.Ordinal);
            using var health = JsonDocument.Parse(await rig.App.Client().GetStringAsync("/health"));
            var reminders = health.RootElement.GetProperty("checks").GetProperty("reminders");
            Assert.Equal("Degraded", reminders.GetProperty("status").GetString());
            Assert.False(reminders.GetProperty("data").GetProperty("jobServerRunning").GetBoolean());

            // Members do not get the banner.
            var member = await People.MemberAsync(rig.App, rig.Admin, "Jacob Hallén", "jacob@example.org");
            Assert.Null((await member.GetPageAsync("/")).QuerySelector("[data-testid=reminder-health]"));
        }

        await using (var rig = await ReminderRig.StartAsync(jobServer: true))
        {
            await DeliveryTests.WaitUntilAsync(async () =>
            {
                using var health = JsonDocument.Parse(await rig.App.Client().GetStringAsync("/health"));
                return health.RootElement.GetProperty("checks").GetProperty("reminders").GetProperty("status").GetString() == "Healthy";
            });
            Assert.Null((await rig.Admin.GetPageAsync("/")).QuerySelector("[data-testid=reminder-health]"));

            // A reminder that should have gone out minutes ago and has not: late, reported.
            var yelp = await rig.CompanyAsync("Yelp");
            var laura = await rig.UserIdAsync(People.AdminEmail);
            await rig.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<LeadsDbContext>();
                db.FollowUps.Add(new FollowUp
                {
                    CompanyId = yelp, OwnerUserId = laura, CreatedAtUtc = ReminderRig.Start.UtcDateTime, DueAtUtc = ReminderRig.Start.UtcDateTime.AddMinutes(1),
                    NextAttemptAtUtc = ReminderRig.Start.UtcDateTime.AddMinutes(1), State = FollowUpState.Scheduled,
                });
                return await db.SaveChangesAsync();
            });
            rig.Clock.Advance(TimeSpan.FromMinutes(10));
            Assert.Contains("1 reminder is late.", (await rig.Admin.GetPageAsync("/")).QuerySelector("[data-testid=reminder-health]")!.TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_person_s_time_zone_setting_changes_how_their_times_are_shown()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(1));
        Assert.Contains("Wed 2 Mar 2011, 19:00 CET", (await rig.Admin.GetPageAsync($"/followups/{id}")).QuerySelector("[data-testid=due]")!.TextContent, StringComparison.Ordinal);

        var refused = await rig.Admin.PostFormAsync("/settings", new Dictionary<string, string> { ["TimeZoneId"] = "Nowhere/Special" });
        Assert.Equal("Choose a time zone from the list.", (await refused.ReadPageAsync()).FieldError("TimeZoneId"));
        People.Expect(await rig.Admin.PostFormAsync("/settings", new Dictionary<string, string> { ["TimeZoneId"] = "America/New_York" }), HttpStatusCode.Redirect, "/settings");

        Assert.Contains("Wed 2 Mar 2011, 13:00 EST", (await rig.Admin.GetPageAsync($"/followups/{id}")).QuerySelector("[data-testid=due]")!.TextContent, StringComparison.Ordinal);
        rig.Clock.Advance(TimeSpan.FromHours(1));
        await rig.RunJobAsync(id);
        Assert.Equal("Follow up with Yelp: due Wed 2 Mar 2011, 13:00 EST", Assert.Single(rig.Smtp.Received).Message.Subject);
    }

    [Fact]
    public async Task A_follow_up_page_left_open_while_someone_snoozed_it_changes_nothing_and_shows_it_as_it_stands()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromHours(1));
        var oldTab = await rig.Admin.GetPageAsync($"/followups/{id}");
        People.Expect(await rig.Admin.SubmitAsync($"/followups/{id}", $"/followups/{id}/snooze", [new("For", "tomorrow")]), HttpStatusCode.Redirect);

        foreach (var (action, fields) in new (string, KeyValuePair<string, string>[])[]
                 { ("done", []), ("cancel", []), ("snooze", [new("For", "15m")]) })
        {
            People.Expect(await rig.Admin.SubmitAsync(oldTab, $"/followups/{id}/{action}", fields), HttpStatusCode.Redirect, $"/followups/{id}");
            var page = await rig.Admin.GetPageAsync($"/followups/{id}");
            Assert.Equal(FollowUpChanges.ChangedMeanwhile, page.QuerySelector("[data-testid=flash-error]")!.TextContent.Trim());
            Assert.Equal("Thu 3 Mar 2011, 09:00 CET", page.QuerySelector("[data-testid=due]")!.TextContent.Trim()); // as it stands now
        }
        var row = await rig.FollowUpAsync(id);
        Assert.Equal((FollowUpState.Scheduled, 2, new DateTime(2011, 3, 3, 8, 0, 0, DateTimeKind.Utc)), (row.State, row.Round, row.DueAtUtc));

        // A post that carries no version at all (a forged form) changes nothing either.
        var token = oldTab.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var forged = await rig.Admin.PostAsync($"/followups/{id}/done", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(FollowUpState.Scheduled, (await rig.FollowUpAsync(id)).State);
    }
}
