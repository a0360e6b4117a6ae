using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.FollowUps;
using Xunit.Abstractions;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// The reminders' promises under real faults, with the app as its own process (<see cref="ReminderProcesses"/>): killed
/// with kill -9 in the middle of a burst, a mail server slower than a batch's claims could stand, one that refuses,
/// and two processes on one database. Counted on both sides: what the SMTP server accepted, by Message-ID, and what
/// the database recorded. One at a time (one class), as each keeps this machine's cores busy.
/// </summary>
public sealed class ReminderFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killed_with_kill_9_in_the_middle_of_2000_due_reminders_the_app_delivers_every_one_after_a_restart_repeating_only_those_accepted_but_not_yet_recorded()
    {
        const int count = 2000;
        await using var rig = await ReminderProcesses.SetUpAsync();
        var ids = await rig.DueAsync(count, TimeSpan.FromSeconds(3));
        // A claim the killed process left is taken over once 10 s old (the default 180 s would outlast the test), by
        // the watchdog, which looks every second.
        var settings = new Dictionary<string, string>
        {
            ["FollowUps:StaleClaimSeconds"] = "10",
            ["FollowUps:SendTimeoutSeconds"] = "5",
            ["FollowUps:WatchdogSeconds"] = "1",
        };

        var first = await rig.StartAsync(settings);
        await rig.Smtp.WaitForAsync(ReminderProcesses.IsReminder, count / 3, ReminderProcesses.Patience);
        await first.KillAsync();
        // A message whose data had reached the server before the kill is accepted all the same: let it land.
        await Task.Delay(500);

        // What the kill left: accepted by the server, recorded as sent, claimed and not recorded ("in flight").
        var accepted = rig.Reminders.Select(ReminderProcesses.FollowUpOf).ToHashSet();
        var atKill = await rig.StatesAsync();
        var recorded = atKill.Where(s => s.Value == FollowUpState.Reminded).Select(s => s.Key).ToHashSet();
        var inFlight = atKill.Where(s => s.Value == FollowUpState.Sending).Select(s => s.Key).ToHashSet();
        var unrecorded = accepted.Except(recorded).ToHashSet();
        Assert.InRange(recorded.Count, 1, count - 1);
        Assert.Subset(accepted, recorded);
        // The only messages that can go out twice: accepted, but the process died before recording them.
        Assert.Subset(inFlight, unrecorded);

        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await rig.StartAsync(settings);
        await rig.WaitForAllAsync(FollowUpState.Reminded);

        // Every reminder reached the server; the second copies are exactly those accepted but not recorded at the
        // kill, each with its first copy's Message-ID.
        var reminders = rig.Reminders;
        var copies = reminders.GroupBy(ReminderProcesses.FollowUpOf).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(ids.Order(), copies.Keys.Order());
        Assert.Equal(unrecorded.Order(), copies.Where(c => c.Value.Count > 1).Select(c => c.Key).Order());
        Assert.All(copies.Values, c => Assert.InRange(c.Count, 1, 2));
        Assert.Equal(count, reminders.Select(m => m.Message.MessageId).Distinct().Count());
        // In the database: one notification and one "reminded" line each (a take-over notifies no one again).
        await using (var db = ReminderData.Open(rig.DataDirectory))
        {
            Assert.Equal(count, await db.Notifications.CountAsync());
            Assert.Equal(count, await db.Timeline.CountAsync(t => t.Kind == "followup.reminded"));
        }
        output.WriteLine($"kill -9 with {accepted.Count} of {count} reminders accepted by the server: {recorded.Count} recorded as sent, " +
            $"{inFlight.Count} claimed and not recorded (in flight), {unrecorded.Count} of those accepted. After the restart, all {count} " +
            $"delivered within {restarted.Elapsed.TotalSeconds:F1} s; {reminders.Count} e-mails, {reminders.Count - count} duplicates.");
    }

    [Fact]
    public async Task A_mail_server_taking_2_s_a_message_gets_each_reminder_once_though_a_claim_goes_stale_after_8_s()
    {
        // 20 reminders: two drainers at one message each per 2 s take 20 s. A batch claimed at once (20 messages, 40 s)
        // would go stale after 8 s and be taken over and sent again.
        const int count = 20;
        await using var rig = await ReminderProcesses.SetUpAsync();
        rig.Smtp.BeforeAccept = _ => Task.Delay(TimeSpan.FromSeconds(2));
        var ids = await rig.DueAsync(count, TimeSpan.FromSeconds(3));

        await rig.StartAsync(new Dictionary<string, string>
        {
            ["FollowUps:StaleClaimSeconds"] = "8",
            ["FollowUps:SendTimeoutSeconds"] = "5",
            // The watchdog reconciles every second: a stale claim would be taken over at once.
            ["FollowUps:WatchdogSeconds"] = "1",
        });
        await rig.WaitForAllAsync(FollowUpState.Reminded);

        var reminders = rig.Reminders;
        Assert.Equal(ids.Order(), reminders.Select(ReminderProcesses.FollowUpOf).Order());
        Assert.Equal(count, reminders.Select(m => m.Message.MessageId).Distinct().Count());
        // No claim was ever taken over (a take-over is a second attempt).
        await using var db = ReminderData.Open(rig.DataDirectory);
        Assert.All(await db.FollowUps.Select(f => f.AttemptCount).ToListAsync(), a => Assert.Equal(1, a));
        output.WriteLine($"{count} reminders at 2 s a message: {reminders.Count} e-mails, " +
            $"{(reminders.Max(m => m.ReceivedAt) - reminders.Min(m => m.ReceivedAt)).TotalSeconds:F1} s from the first to the last.");
    }

    [Fact]
    public async Task A_mail_server_that_refuses_gets_each_reminder_tried_with_back_off_then_delivery_failed_shows_on_the_page_and_in_health()
    {
        const int count = 3;
        await using var rig = await ReminderProcesses.SetUpAsync();
        rig.Smtp.Refusing = true;
        var ids = await rig.DueAsync(count, TimeSpan.FromSeconds(2));

        var app = await rig.StartAsync(new Dictionary<string, string> { ["FollowUps:RetryAfterSeconds"] = "1,2" });
        await rig.WaitForAllAsync(FollowUpState.Failed);

        // Three tries each (the first and one per delay), the same Message-ID on each, the back-off between them.
        Assert.Empty(rig.Reminders);
        var tries = rig.Smtp.Refused.Where(ReminderProcesses.IsReminder).GroupBy(ReminderProcesses.FollowUpOf)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.ReceivedAt).ToList());
        Assert.Equal(ids.Order(), tries.Keys.Order());
        Assert.All(tries.Values, t =>
        {
            Assert.Equal(3, t.Count);
            Assert.Single(t.Select(m => m.Message.MessageId).Distinct());
            Assert.True(t[1].ReceivedAt - t[0].ReceivedAt >= TimeSpan.FromSeconds(1), "The second try came before the first back-off was over.");
            Assert.True(t[2].ReceivedAt - t[1].ReceivedAt >= TimeSpan.FromSeconds(2), "The third try came before the second back-off was over.");
        });

        // "Delivery failed", with the server's answer, on Laura's list...
        using var laura = app.Client();
        People.Expect(await People.SignInAsync(laura, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
        var page = await laura.GetPageAsync("/followups");
        var rows = page.QuerySelectorAll("[data-testid=overdue] [data-testid=followup]");
        Assert.Equal(count, rows.Length);
        Assert.All(rows, row =>
        {
            Assert.Equal("delivery failed", row.QuerySelector("[data-testid=state]")!.TextContent.Trim());
            Assert.Contains("Try again later", row.QuerySelector("[data-testid=delivery-error]")!.TextContent, StringComparison.Ordinal);
        });
        Assert.Contains($"{count} reminder e-mails could not be delivered.", page.QuerySelector("[data-testid=reminder-health]")!.TextContent, StringComparison.Ordinal);
        // ...and in /health, for the monitoring.
        using var health = JsonDocument.Parse(await laura.GetStringAsync("/health"));
        var reminders = health.RootElement.GetProperty("checks").GetProperty("reminders");
        Assert.Equal("Degraded", reminders.GetProperty("status").GetString());
        Assert.Equal(count, reminders.GetProperty("data").GetProperty("failedDeliveries").GetInt32());
    }

    [Fact]
    public async Task Two_app_processes_on_one_database_and_one_hangfire_storage_send_each_of_1000_due_reminders_once()
    {
        const int count = 1000;
        await using var rig = await ReminderProcesses.SetUpAsync();
        var ids = await rig.DueAsync(count, TimeSpan.FromSeconds(4));

        // Both give every follow-up a Hangfire job at start, both run jobs from the one storage, and both reconcile
        // every second besides: every deliverer of both races for the same reminders.
        var settings = new Dictionary<string, string> { ["FollowUps:WatchdogSeconds"] = "1" };
        await Task.WhenAll(rig.StartAsync(settings), rig.StartAsync(settings));
        await rig.WaitForAllAsync(FollowUpState.Reminded);

        var reminders = rig.Reminders;
        Assert.Equal(ids.Order(), reminders.Select(ReminderProcesses.FollowUpOf).Order());
        Assert.Equal(count, reminders.Select(m => m.Message.MessageId).Distinct().Count());
        await using var db = ReminderData.Open(rig.DataDirectory);
        Assert.All(await db.FollowUps.Select(f => f.AttemptCount).ToListAsync(), a => Assert.Equal(1, a));
        Assert.Equal(count, await db.Notifications.CountAsync());
        Assert.Equal(count, await db.Timeline.CountAsync(t => t.Kind == "followup.reminded"));
        output.WriteLine($"Two processes, {count} reminders due at once: {reminders.Count} e-mails, " +
            $"{(reminders.Max(m => m.ReceivedAt) - reminders.Min(m => m.ReceivedAt)).TotalSeconds:F1} s from the first to the last.");
    }
}
