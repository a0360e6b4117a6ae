using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>Each reminder goes out once, at its time: not early, not twice, not never.</summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task A_follow_up_is_reminded_once_at_its_time_by_email_and_in_the_app()
    {
        await using var rig = await ReminderRig.StartAsync();
        var yelp = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(yelp, TimeSpan.FromMinutes(10), "Ask about the JIT for their API servers");

        var followUp = await rig.FollowUpAsync(id);
        Assert.Equal(FollowUpState.Scheduled, followUp.State);
        Assert.Equal(ReminderRig.Start.UtcDateTime.AddMinutes(10), followUp.DueAtUtc);
        // One delayed Hangfire job, due ten minutes from now by the app clock.
        Assert.Equal("Scheduled", rig.JobState(followUp.HangfireJobId));
        var fires = rig.JobEnqueueAt(followUp.HangfireJobId!)!.Value - DateTime.UtcNow;
        Assert.InRange(fires, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.1));

        // A minute early the job and the reconciler find nothing to do.
        rig.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));
        Assert.Equal(0, (await rig.ReconcileAsync()).Due);
        Assert.Empty(rig.Smtp.Received);

        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(id));
        // Again, and the reconciler: nothing more.
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));
        await rig.ReconcileAsync();

        var mail = Assert.Single(rig.Smtp.Received);
        Assert.Equal(People.AdminEmail, mail.To);
        Assert.Equal("Follow up with Yelp: due Wed 2 Mar 2011, 18:10 CET", mail.Message.Subject);
        Assert.Contains("Ask about the JIT for their API servers", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"http://localhost:5080/companies/{yelp}", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"http://localhost:5080/followups/{id}/done", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"http://localhost:5080/followups/{id}/snooze", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"href=\"http://localhost:5080/followups/{id}/done\"", mail.Html, StringComparison.Ordinal);
        Assert.StartsWith("reminder-20110302T171000-f" + id, mail.Message.MessageId, StringComparison.Ordinal);

        followUp = await rig.FollowUpAsync(id);
        Assert.Equal(FollowUpState.Reminded, followUp.State);
        Assert.Null(followUp.ClaimToken);
        Assert.Equal(rig.Clock.GetUtcNow().UtcDateTime, followUp.RemindedAtUtc);

        // The bell counts it; the list shows it.
        var home = await rig.Admin.GetPageAsync("/");
        Assert.Equal("1", home.QuerySelector("[data-testid=bell-count]")!.TextContent.Trim());
        var notifications = await rig.Admin.GetPageAsync("/notifications");
        Assert.Contains("Follow up with Yelp", notifications.QuerySelector("[data-testid=notification]")!.TextContent, StringComparison.Ordinal);

        // The company's timeline: scheduled, then reminded, both pointing at the follow-up.
        var timeline = await rig.TimelineAsync(yelp);
        Assert.Equal(["followup.scheduled", "followup.reminded"], timeline.Select(t => t.Kind));
        Assert.All(timeline, t => Assert.Equal(("FollowUp", (long?)id), (t.SubjectType, t.SubjectId)));
        Assert.Equal("Follow-up for Laura Creighton, due Wed 2 Mar 2011, 18:10 CET", timeline[0].Summary);
    }

    [Fact]
    public async Task The_email_shows_the_time_in_the_owner_s_zone()
    {
        await using var rig = await ReminderRig.StartAsync();
        var google = await rig.CompanyAsync("Google");
        // Invited members are in the Pacific zone.
        await People.MemberAsync(rig.App, rig.Admin, "Maciej Fijałkowski", "fijal@example.org");
        var maciej = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Users.Where(u => u.Email == "fijal@example.org").Select(u => u.Id).SingleAsync());
        var id = await rig.NewFollowUpAsync(google, TimeSpan.FromMinutes(30), ownerUserId: maciej);

        rig.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(id));

        var mail = Assert.Single(rig.Smtp.Received);
        Assert.Equal("fijal@example.org", mail.To);
        Assert.Equal("Follow up with Google: due Wed 2 Mar 2011, 09:30 PST", mail.Message.Subject);
        Assert.Contains("Hello Maciej Fijałkowski,", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rescheduled_follow_up_is_reminded_only_at_the_new_time()
    {
        await using var rig = await ReminderRig.StartAsync();
        var mozilla = await rig.CompanyAsync("Mozilla");
        var id = await rig.NewFollowUpAsync(mozilla, TimeSpan.FromMinutes(10));
        var before = await rig.FollowUpAsync(id);

        var edit = await rig.Admin.GetPageAsync($"/followups/{id}/edit");
        Assert.Equal("2011-03-02T18:10", edit.QuerySelector("#FollowUp_DueLocal")!.GetAttribute("value"));
        var saved = await rig.Admin.PostFormAsync($"/followups/{id}/edit", new Dictionary<string, string>
        {
            ["FollowUp.DueLocal"] = "2011-03-02T18:30",
            ["FollowUp.TimeZoneId"] = "Europe/Stockholm",
            ["FollowUp.OwnerUserId"] = before.OwnerUserId,
            ["FollowUp.Note"] = "",
        }, $"/followups/{id}/edit");
        People.Expect(saved, HttpStatusCode.Redirect, $"/followups/{id}");

        var after = await rig.FollowUpAsync(id);
        Assert.Equal(ReminderRig.Start.UtcDateTime.AddMinutes(30), after.DueAtUtc);
        Assert.NotEqual(before.HangfireJobId, after.HangfireJobId);
        Assert.Equal("Deleted", rig.JobState(before.HangfireJobId));
        Assert.Equal("Scheduled", rig.JobState(after.HangfireJobId));

        // The old time passes: nothing, even if the old job had run anyway.
        rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));
        await rig.ReconcileAsync();
        Assert.Empty(rig.Smtp.Received);

        rig.Clock.Advance(TimeSpan.FromMinutes(20));
        await rig.ReconcileAsync();
        var mail = Assert.Single(rig.Smtp.Received);
        Assert.Equal("Follow up with Mozilla: due Wed 2 Mar 2011, 18:30 CET", mail.Message.Subject);
        Assert.Contains("followup.rescheduled", (await rig.TimelineAsync(mozilla)).Select(t => t.Kind));

        // Snoozed after the reminder: a new reminder at the new time, and only then.
        People.Expect(await rig.Admin.PostFormAsync($"/followups/{id}", new Dictionary<string, string> { ["For"] = "15m" }, $"/followups/{id}/snooze"),
            HttpStatusCode.Redirect);
        rig.Clock.Advance(TimeSpan.FromMinutes(14));
        await rig.ReconcileAsync();
        Assert.Single(rig.Smtp.Received);
        rig.Clock.Advance(TimeSpan.FromMinutes(1));
        await rig.ReconcileAsync();
        Assert.Equal(2, rig.Smtp.Received.Count);
        Assert.Equal("Follow up with Mozilla: due Wed 2 Mar 2011, 18:45 CET", rig.Smtp.Received[1].Message.Subject);
        Assert.NotEqual(rig.Smtp.Received[0].Message.MessageId, rig.Smtp.Received[1].Message.MessageId);
    }

    [Fact]
    public async Task A_cancelled_or_done_follow_up_is_never_reminded()
    {
        await using var rig = await ReminderRig.StartAsync();
        var stanford = await rig.CompanyAsync("Stanford University");
        var cancelled = await rig.NewFollowUpAsync(stanford, TimeSpan.FromMinutes(5));
        var done = await rig.NewFollowUpAsync(stanford, TimeSpan.FromMinutes(5));
        var cancelledJob = (await rig.FollowUpAsync(cancelled)).HangfireJobId;
        var doneJob = (await rig.FollowUpAsync(done)).HangfireJobId;

        People.Expect(await rig.Admin.PostFormAsync($"/followups/{cancelled}", new Dictionary<string, string>(), $"/followups/{cancelled}/cancel"), HttpStatusCode.Redirect);
        People.Expect(await rig.Admin.PostFormAsync($"/followups/{done}", new Dictionary<string, string>(), $"/followups/{done}/done"), HttpStatusCode.Redirect);
        Assert.Equal("Deleted", rig.JobState(cancelledJob));
        Assert.Equal("Deleted", rig.JobState(doneJob));

        rig.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(cancelled));
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(done));
        await rig.ReconcileAsync();
        Assert.Empty(rig.Smtp.Received);
        Assert.Equal(FollowUpState.Cancelled, (await rig.FollowUpAsync(cancelled)).State);
        Assert.Equal(FollowUpState.Done, (await rig.FollowUpAsync(done)).State);
        Assert.Equal(["followup.scheduled", "followup.scheduled", "followup.cancelled", "followup.done"],
            (await rig.TimelineAsync(stanford)).Select(t => t.Kind));
    }

    [Fact]
    public async Task The_job_run_several_times_at_once_sends_one_email()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Noisebridge");
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1)));
        }
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // Each job four times over, all at once (Hangfire.Storage.SQLite may run a job twice).
        var outcomes = await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 4).Select(_ => Task.Run(() => rig.RunJobAsync(id)))));

        Assert.Equal(5, outcomes.Count(o => o == DeliveryOutcome.Sent));
        Assert.Equal(5, rig.Smtp.Received.Count);
        Assert.Equal(ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            rig.Smtp.Received.Select(m => m.Message.Headers["X-PyPyLeads-FollowUp"]).Order());
        Assert.Equal(5, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.CountAsync()));
    }

    [Fact]
    public async Task The_reconciler_racing_the_jobs_sends_one_email_each()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("PyCon");
        var ids = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(2)));
        }
        rig.Clock.Advance(TimeSpan.FromMinutes(2));

        var racers = new List<Task>
        {
            Task.Run(() => rig.ReconcileAsync()),
            Task.Run(() => rig.ReconcileAsync()),
        };
        racers.AddRange(ids.Select(id => Task.Run(() => rig.RunJobAsync(id))));
        await Task.WhenAll(racers);

        Assert.Equal(20, rig.Smtp.Received.Count);
        Assert.Equal(20, rig.Smtp.Received.Select(m => m.Message.MessageId).Distinct().Count());
        var states = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.Select(f => f.State).ToListAsync());
        Assert.All(states, s => Assert.Equal(FollowUpState.Reminded, s));
        Assert.Equal(20, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.CountAsync()));
        Assert.Equal(20, (await rig.TimelineAsync(company)).Count(t => t.Kind == "followup.reminded"));
    }

    [Fact]
    public async Task When_the_mail_server_is_down_the_email_is_retried_then_marked_failed_and_a_manual_retry_sends_it_once()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        await rig.Smtp.StopAsync();
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // Tries with back-off: 30 s, 2 min, 10 min, 30 min (the defaults), each with its own job.
        Assert.Equal(DeliveryOutcome.RetryScheduled, await rig.RunJobAsync(id));
        var followUp = await rig.FollowUpAsync(id);
        Assert.Equal((FollowUpState.Scheduled, 1), (followUp.State, followUp.AttemptCount));
        Assert.Equal(rig.Clock.GetUtcNow().UtcDateTime.AddSeconds(30), followUp.NextAttemptAtUtc);
        Assert.Equal("Scheduled", rig.JobState(followUp.HangfireJobId));
        Assert.Contains("refused", followUp.LastError, StringComparison.OrdinalIgnoreCase);
        // Not before the back-off is over.
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));

        foreach (var delay in new[] { 30, 120, 600 })
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(delay));
            Assert.Equal(DeliveryOutcome.RetryScheduled, await rig.RunJobAsync(id));
        }
        rig.Clock.Advance(TimeSpan.FromSeconds(1800));
        Assert.Equal(DeliveryOutcome.Failed, await rig.RunJobAsync(id));
        followUp = await rig.FollowUpAsync(id);
        Assert.Equal((FollowUpState.Failed, 5), (followUp.State, followUp.AttemptCount));
        Assert.Null(followUp.HangfireJobId);
        // Nothing more is tried by itself.
        rig.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await rig.ReconcileAsync()).Due);

        // The owner sees "delivery failed" with the error...
        var mine = await rig.Admin.GetPageAsync("/followups");
        var row = mine.QuerySelector("[data-testid=overdue] [data-testid=followup]")!;
        Assert.Equal("delivery failed", row.QuerySelector("[data-testid=state]")!.TextContent.Trim());
        Assert.Contains("refused", row.QuerySelector("[data-testid=delivery-error]")!.TextContent, StringComparison.OrdinalIgnoreCase);
        // ...admins see it in the banner, in their list and in /health...
        Assert.Contains("1 reminder e-mail could not be delivered.", mine.QuerySelector("[data-testid=reminder-health]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(mine.QuerySelector("[data-testid=failed-deliveries]"));
        using (var health = JsonDocument.Parse(await rig.Admin.GetStringAsync("/health")))
        {
            var reminders = health.RootElement.GetProperty("checks").GetProperty("reminders");
            Assert.Equal("Degraded", reminders.GetProperty("status").GetString());
            Assert.Equal(1, reminders.GetProperty("data").GetProperty("failedDeliveries").GetInt32());
        }
        Assert.Contains("followup.delivery-failed", (await rig.TimelineAsync(company)).Select(t => t.Kind));

        // The mail server is back; a retry by hand sends it, once.
        rig.Smtp.Start();
        People.Expect(await rig.Admin.PostFormAsync($"/followups/{id}", new Dictionary<string, string>(), $"/followups/{id}/retry"), HttpStatusCode.Redirect);
        followUp = await rig.FollowUpAsync(id);
        Assert.Equal((FollowUpState.Scheduled, 0), (followUp.State, followUp.AttemptCount));
        Assert.Equal("Scheduled", rig.JobState(followUp.HangfireJobId));
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(id));
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));
        await rig.ReconcileAsync();
        Assert.Single(rig.Smtp.Received);
        Assert.Equal(FollowUpState.Reminded, (await rig.FollowUpAsync(id)).State);
        using (var health = JsonDocument.Parse(await rig.Admin.GetStringAsync("/health")))
        {
            Assert.Equal(0, health.RootElement.GetProperty("checks").GetProperty("reminders").GetProperty("data").GetProperty("failedDeliveries").GetInt32());
        }
    }

    [Fact]
    public async Task A_follow_up_claimed_by_a_process_that_stopped_before_sending_is_delivered_after_the_restart()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Google");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // Step 1 of delivery, then the process stops before step 2 (sending).
        var claim = await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().ClaimAsync(id, CancellationToken.None));
        Assert.NotNull(claim);
        Assert.Equal(FollowUpState.Sending, (await rig.FollowUpAsync(id)).State);
        // While the claim is fresh, nobody else takes it.
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));

        rig.Clock.Advance(TimeSpan.FromSeconds(181)); // past FollowUps:StaleClaimSeconds
        await rig.RestartAsync();

        // The start-up reconcile takes the stale claim over and sends.
        await rig.Smtp.WaitForAsync(1);
        await WaitUntilAsync(async () => (await rig.FollowUpAsync(id)).State == FollowUpState.Reminded);
        await rig.ReconcileAsync();
        Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));
        Assert.Single(rig.Smtp.Received);
        // One in-app notification: the claim made it, the take-over did not make another.
        Assert.Equal(1, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.CountAsync()));
    }

    [Fact]
    public async Task A_lost_hangfire_job_is_replaced_and_a_due_follow_up_without_one_is_still_delivered()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Mozilla");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(10));
        var job = (await rig.FollowUpAsync(id)).HangfireJobId!;

        // Hangfire loses the job (deleted, storage wiped...).
        rig.App.Services.GetRequiredService<IBackgroundJobClient>().Delete(job);
        var report = await rig.ReconcileAsync();
        Assert.Equal(1, report.JobsReplaced);
        var replaced = (await rig.FollowUpAsync(id)).HangfireJobId;
        Assert.NotEqual(job, replaced);
        Assert.Equal("Scheduled", rig.JobState(replaced));
        Assert.Equal(0, (await rig.ReconcileAsync()).JobsReplaced);

        // Due, with no job at all: the reconciler delivers it.
        rig.App.Services.GetRequiredService<IBackgroundJobClient>().Delete(replaced);
        rig.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, (await rig.ReconcileAsync()).Delivered);
        Assert.Single(rig.Smtp.Received);
    }

    [Fact]
    public async Task A_job_lost_long_before_its_time_is_replaced_once_the_follow_up_comes_close_and_the_reminder_goes_out_once()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromDays(2));
        var job = (await rig.FollowUpAsync(id)).HangfireJobId!;
        rig.App.Services.GetRequiredService<IBackgroundJobClient>().Delete(job);

        // Two days out, the minutely reconcile does not look at its job (that is what keeps it cheap)...
        Assert.Equal(0, (await rig.ReconcileAsync()).JobsReplaced);
        Assert.Equal(job, (await rig.FollowUpAsync(id)).HangfireJobId);

        // ...and replaces it once the follow-up is within the look-ahead, in time for its minute.
        rig.Clock.Advance(TimeSpan.FromDays(2) - FollowUpReconciler.JobCheckAhead + TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await rig.ReconcileAsync()).JobsReplaced);
        var replaced = (await rig.FollowUpAsync(id)).HangfireJobId;
        Assert.NotEqual(job, replaced);
        Assert.Equal("Scheduled", rig.JobState(replaced));
        Assert.Equal(0, (await rig.ReconcileAsync()).JobsReplaced);

        // One that has no job at all (Hangfire was down when it was made) gets one at once, however far off.
        var later = await rig.NewFollowUpAsync(company, TimeSpan.FromDays(5));
        await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.Where(f => f.Id == later)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.HangfireJobId, (string?)null)));
        Assert.Equal(1, (await rig.ReconcileAsync()).JobsReplaced);
        Assert.Equal("Scheduled", rig.JobState((await rig.FollowUpAsync(later)).HangfireJobId));

        // Due: the new job and the reconciler both try; one e-mail.
        rig.Clock.Advance(FollowUpReconciler.JobCheckAhead);
        Assert.Equal(DeliveryOutcome.Sent, await rig.RunJobAsync(id));
        await rig.ReconcileAsync();
        Assert.Single(rig.Smtp.Received);
        Assert.Equal(FollowUpState.Reminded, (await rig.FollowUpAsync(id)).State);
    }

    [Fact]
    public async Task Starting_the_app_replaces_every_lost_job_however_far_off()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Mozilla");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromDays(30));
        var job = (await rig.FollowUpAsync(id)).HangfireJobId!;
        rig.App.Services.GetRequiredService<IBackgroundJobClient>().Delete(job);
        Assert.Equal(0, (await rig.ReconcileAsync()).JobsReplaced); // the minutely run leaves it for later

        // As after hangfire.db was deleted while the app was down: the start-up reconcile checks every job.
        await rig.RestartAsync();
        await WaitUntilAsync(async () => (await rig.FollowUpAsync(id)).HangfireJobId != job);
        Assert.Equal("Scheduled", rig.JobState((await rig.FollowUpAsync(id)).HangfireJobId));
    }

    [Fact]
    public async Task A_job_that_wakes_early_puts_itself_back_for_the_rest_of_the_wait()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(5));
        var job = (await rig.FollowUpAsync(id)).HangfireJobId!;

        // As when the tour clock restarted behind the time the job was scheduled for.
        var outcome = await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DeliverAsync(id, job, CancellationToken.None));

        Assert.Equal(DeliveryOutcome.NothingToDo, outcome);
        var again = (await rig.FollowUpAsync(id)).HangfireJobId!;
        Assert.NotEqual(job, again);
        Assert.Equal("Scheduled", rig.JobState(again));
        Assert.Empty(rig.Smtp.Received);
    }

    [Fact]
    public async Task The_in_process_watchdog_delivers_when_no_hangfire_job_runs()
    {
        // No Hangfire server at all (as when its storage is stuck); the watchdog runs every second here.
        await using var rig = await ReminderRig.StartAsync(configure: app => app.With("FollowUps:WatchdogSeconds", "1"));
        var company = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        await rig.Smtp.WaitForAsync(1);
        await WaitUntilAsync(async () => (await rig.FollowUpAsync(id)).State == FollowUpState.Reminded);
        // The watchdog also sends the owner's daily digest (it is past 08:00 in Stockholm): one reminder is what counts.
        Assert.Single(rig.Smtp.Received, m => m.Message.Headers["X-PyPyLeads-FollowUp"] is not null);
    }

    [Fact]
    public async Task The_watchdog_leaves_its_turn_to_a_hangfire_sweep_that_completed_since_its_last_and_takes_over_when_they_stop()
    {
        await using var rig = await ReminderRig.StartAsync(configure: app => app.With("FollowUps:WatchdogSeconds", "1"));
        var company = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        var sweeps = rig.App.Services.GetRequiredService<FollowUpSweeps>();
        using var stop = new CancellationTokenSource();
        // Hangfire's sweep completing every 200 ms, as its minutely job does between two watchdog turns.
        var sweeping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                sweeps.Completed();
                await Task.Delay(200);
            }
        });
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // Three watchdog turns, each finding a sweep since the last: the reminder (and the owner's digest) wait for it.
        await Task.Delay(3500);
        Assert.Empty(rig.Smtp.Received);
        Assert.Equal(FollowUpState.Scheduled, (await rig.FollowUpAsync(id)).State);

        await stop.CancelAsync();
        await sweeping;
        await rig.Smtp.WaitForAsync(1);
        await WaitUntilAsync(async () => (await rig.FollowUpAsync(id)).State == FollowUpState.Reminded);
    }

    [Fact]
    public async Task The_minutely_sweep_reconciles_then_sends_the_digests_and_counts_itself_done()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var id = await rig.NewFollowUpAsync(company, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(2));
        var sweeps = rig.App.Services.GetRequiredService<FollowUpSweeps>();
        var before = sweeps.Count;

        await rig.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<FollowUpJobs>().SweepAsync(CancellationToken.None);
            return true;
        });

        Assert.Equal(FollowUpState.Reminded, (await rig.FollowUpAsync(id)).State);
        // The reminder, and the owner's digest (it is past 08:00 in Stockholm).
        Assert.Single(rig.Smtp.Received, m => m.Message.Headers["X-PyPyLeads-FollowUp"] is not null);
        Assert.Equal(2, rig.Smtp.Received.Count);
        Assert.Equal(before + 1, sweeps.Count);
    }

    [Fact]
    public async Task Start_up_registers_the_one_minutely_sweep_and_removes_the_two_jobs_it_replaced()
    {
        await using var rig = await ReminderRig.StartAsync();
        var recurring = rig.App.Services.GetRequiredService<IRecurringJobManager>();
        // A Hangfire store written by the version before the sweep.
        foreach (var retired in FollowUpJobs.RetiredJobIds)
        {
            recurring.AddOrUpdate<FollowUpJobs>(retired, j => j.ReconcileAsync(CancellationToken.None), Cron.Minutely());
        }

        await rig.RestartAsync();

        var storage = rig.App.Services.GetRequiredService<JobStorage>();
        string Ids()
        {
            using var connection = storage.GetConnection();
            return string.Join(", ", connection.GetRecurringJobs().Select(j => j.Id).Where(i => i.StartsWith("followups:", StringComparison.Ordinal)).Order());
        }
        Assert.Equal(FollowUpJobs.SweepJobId, await Eventually.EqualAsync(FollowUpJobs.SweepJobId, () => Task.FromResult(Ids())));
        using var connection = storage.GetConnection();
        var sweep = Assert.Single(connection.GetRecurringJobs([FollowUpJobs.SweepJobId]));
        Assert.Equal("* * * * *", sweep.Cron);
        Assert.Equal(nameof(FollowUpJobs.SweepAsync), sweep.Job.Method.Name);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }
            await Task.Delay(50);
        }
    }
}
