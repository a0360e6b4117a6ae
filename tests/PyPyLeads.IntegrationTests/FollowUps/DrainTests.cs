using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Timeline;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using Xunit.Abstractions;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// The drain: a delivery job (or the reconciler) sends every due follow-up over one SMTP connection, reading them in
/// batches and claiming, sending and recording each on its own. It must keep every guarantee of a single delivery:
/// never twice, never lost, a person's change wins.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output)
{
    [Fact]
    public async Task One_job_sends_every_due_reminder_in_batches_over_one_connection_and_the_other_jobs_find_nothing()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var ids = await CreateAsync(rig, company, 2 * FollowUpDelivery.BatchSize + 7, TimeSpan.FromMinutes(5));
        var later = await CreateAsync(rig, company, 1, TimeSpan.FromHours(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        var connectionsBefore = rig.Smtp.Connections;

        // The first job as Hangfire runs it: its own reminder, then the rest.
        await rig.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<FollowUpJobs>().DeliverAsync(ids[0], null, CancellationToken.None);
            return 0;
        });

        Assert.Equal(ids.Count, rig.Smtp.Received.Count);
        // One connection for the job's own reminder, one for the whole drain.
        Assert.Equal(2, rig.Smtp.Connections - connectionsBefore);
        Assert.Equal(Ids(ids), rig.Smtp.Received.Select(m => m.Message.Headers["X-PyPyLeads-FollowUp"]!).Order());
        foreach (var id in ids.Skip(1))
        {
            Assert.Equal(DeliveryOutcome.NothingToDo, await rig.RunJobAsync(id));
        }
        Assert.Equal(ids.Count, rig.Smtp.Received.Count);
        var rows = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.AsNoTracking().ToListAsync());
        Assert.All(rows.Where(r => ids.Contains(r.Id)), r =>
        {
            Assert.Equal(FollowUpState.Reminded, r.State);
            Assert.Null(r.ClaimToken);
            Assert.Equal(1, r.AttemptCount);
            Assert.Equal(r.Round, r.NotifiedRound);
        });
        // Not yet due: untouched.
        var waiting = Assert.Single(rows, r => r.Id == later[0]);
        Assert.Equal(FollowUpState.Scheduled, waiting.State);
        Assert.Equal(0, waiting.AttemptCount);
        Assert.Equal(ids.Count, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.CountAsync()));
        var reminded = (await rig.TimelineAsync(company)).Where(t => t.Kind == "followup.reminded").Select(t => (int)t.SubjectId!.Value).Order();
        Assert.Equal(ids.Order(), reminded);
    }

    [Fact]
    public async Task Drains_racing_on_two_app_instances_with_the_jobs_and_reconcilers_send_each_reminder_once()
    {
        await using var rig = await ReminderRig.StartAsync();
        var second = rig.SecondInstance(jobServer: false);
        var company = await rig.CompanyAsync("PyCon");
        var ids = await CreateAsync(rig, company, 3 * FollowUpDelivery.BatchSize, TimeSpan.FromMinutes(2));
        rig.Clock.Advance(TimeSpan.FromMinutes(2));

        // Every job on both instances (each drains after its own), both reconcilers, and bare drains, all at once.
        var racers = new List<Task>();
        foreach (var app in new[] { rig.App, second })
        {
            racers.Add(Task.Run(() => rig.ReconcileAsync(app)));
            racers.Add(Task.Run(() => rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DrainAsync(TimeSpan.Zero, waitForTurn: true, CancellationToken.None), app)));
            racers.AddRange(ids.Where((_, i) => i % 10 == 0).Select(id => Task.Run(() => rig.InScopeAsync(async sp =>
            {
                await sp.GetRequiredService<FollowUpJobs>().DeliverAsync(id, null, CancellationToken.None);
                return 0;
            }, app))));
        }
        await Task.WhenAll(racers);

        var reminders = rig.Smtp.Received;
        Assert.Equal(ids.Count, reminders.Count);
        Assert.Equal(ids.Count, reminders.Select(m => m.Message.MessageId).Distinct().Count());
        Assert.Equal(Ids(ids), reminders.Select(m => m.Message.Headers["X-PyPyLeads-FollowUp"]!).Order());
        var states = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.Select(f => new { f.State, f.AttemptCount, f.ClaimToken }).ToListAsync());
        Assert.All(states, s => Assert.Equal((FollowUpState.Reminded, 1, (Guid?)null), (s.State, s.AttemptCount, s.ClaimToken)));
        Assert.Equal(ids.Count, await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Notifications.CountAsync()));
        Assert.Equal(ids.Count, (await rig.TimelineAsync(company)).Count(t => t.Kind == "followup.reminded"));
    }

    [Fact]
    public async Task A_follow_up_done_or_cancelled_while_its_batch_is_being_sent_is_not_sent()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Stanford University");
        // Due one after the other, so the batch sends them in this order.
        var first = (await CreateAsync(rig, company, 1, TimeSpan.FromMinutes(1)))[0];
        var done = (await CreateAsync(rig, company, 1, TimeSpan.FromMinutes(2)))[0];
        var cancelled = (await CreateAsync(rig, company, 1, TimeSpan.FromMinutes(3)))[0];
        var last = (await CreateAsync(rig, company, 1, TimeSpan.FromMinutes(4)))[0];
        rig.Clock.Advance(TimeSpan.FromMinutes(5));

        // While the server holds the first message, the owner marks one done and cancels another.
        rig.Smtp.BeforeAccept = async message =>
        {
            if (message.Headers["X-PyPyLeads-FollowUp"] == first.ToString(CultureInfo.InvariantCulture))
            {
                People.Expect(await rig.Admin.PostFormAsync($"/followups/{done}", new Dictionary<string, string>(), $"/followups/{done}/done"), HttpStatusCode.Redirect);
                People.Expect(await rig.Admin.PostFormAsync($"/followups/{cancelled}", new Dictionary<string, string>(), $"/followups/{cancelled}/cancel"), HttpStatusCode.Redirect);
            }
        };
        var sent = await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DrainAsync(TimeSpan.Zero, waitForTurn: true, CancellationToken.None));

        Assert.Equal(2, sent);
        Assert.Equal(Ids([first, last]), rig.Smtp.Received.Select(m => m.Message.Headers["X-PyPyLeads-FollowUp"]!).Order());
        Assert.Equal(FollowUpState.Reminded, (await rig.FollowUpAsync(first)).State);
        Assert.Equal(FollowUpState.Reminded, (await rig.FollowUpAsync(last)).State);
        Assert.Equal(FollowUpState.Done, (await rig.FollowUpAsync(done)).State);
        Assert.Equal(FollowUpState.Cancelled, (await rig.FollowUpAsync(cancelled)).State);
        var timeline = await rig.TimelineAsync(company);
        Assert.Equal([first, last], timeline.Where(t => t.Kind == "followup.reminded").Select(t => (int)t.SubjectId!.Value).Order());

        // Nothing is left for anyone to send.
        rig.Smtp.BeforeAccept = null;
        await rig.ReconcileAsync();
        Assert.Equal(2, rig.Smtp.Received.Count);
    }

    [Fact]
    public async Task When_the_app_stops_mid_drain_only_the_message_in_flight_keeps_its_claim_and_none_is_lost()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Mozilla");
        var ids = await CreateAsync(rig, company, 5, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // The app stops while the server holds the first message (it accepts it only after the stop).
        using var stopping = new CancellationTokenSource();
        var held = new TaskCompletionSource();
        rig.Smtp.BeforeAccept = async _ =>
        {
            rig.Smtp.BeforeAccept = null;
            await stopping.CancelAsync();
            await held.Task;
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DrainAsync(TimeSpan.Zero, waitForTurn: true, stopping.Token)));
        held.SetResult();

        // The message in flight keeps its claim (it may have reached the server); the others were never claimed.
        var rows = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.AsNoTracking().OrderBy(f => f.Id).ToListAsync());
        Assert.Equal(FollowUpState.Sending, rows[0].State);
        Assert.All(rows.Skip(1), r => Assert.Equal((FollowUpState.Scheduled, 0, (Guid?)null), (r.State, r.AttemptCount, r.ClaimToken)));

        // The next deliverer sends the untried ones at once; the one in flight is taken over once its claim is stale.
        await rig.ReconcileAsync();
        await rig.Smtp.WaitForAsync(m => m.Message.Headers["X-PyPyLeads-FollowUp"] != ids[0].ToString(CultureInfo.InvariantCulture), 4);
        rig.Clock.Advance(TimeSpan.FromMinutes(4));
        await rig.ReconcileAsync();
        var states = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.Select(f => f.State).ToListAsync());
        Assert.All(states, s => Assert.Equal(FollowUpState.Reminded, s));
        // Each untried one exactly once; the one in flight at least once, every copy with the same Message-ID.
        var byFollowUp = rig.Smtp.Received.GroupBy(m => m.Message.Headers["X-PyPyLeads-FollowUp"]!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(Ids(ids), byFollowUp.Keys.Order());
        Assert.All(ids.Skip(1), id => Assert.Single(byFollowUp[id.ToString(CultureInfo.InvariantCulture)]));
        Assert.Single(byFollowUp[ids[0].ToString(CultureInfo.InvariantCulture)].Select(m => m.Message.MessageId).Distinct());
    }

    [Fact]
    public async Task Each_reminder_is_claimed_just_before_its_message_so_a_slow_batch_ages_no_claim_but_its_own()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var ids = await CreateAsync(rig, company, 3, TimeSpan.FromMinutes(1));
        rig.Clock.Advance(TimeSpan.FromMinutes(1));

        // The server takes a minute (by the app clock) over each message; each message finds the ones after it not yet claimed.
        var seen = new List<(FollowUpState State, DateTime? ClaimedAt)[]>();
        rig.Smtp.BeforeAccept = async _ =>
        {
            var rows = await rig.InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.AsNoTracking().OrderBy(f => f.Id)
                .Select(f => new { f.State, f.ClaimedAtUtc }).ToListAsync());
            seen.Add(rows.Select(r => (r.State, r.ClaimedAtUtc)).ToArray());
            rig.Clock.Advance(TimeSpan.FromMinutes(1));
        };
        await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DrainAsync(TimeSpan.Zero, waitForTurn: true, CancellationToken.None));

        var start = ReminderRig.Start.UtcDateTime.AddMinutes(1);
        Assert.Equal(3, seen.Count);
        for (var i = 0; i < 3; i++)
        {
            // While message i is on its way: those before it recorded, it claimed at the moment it was sent, those after it waiting.
            Assert.Equal(Enumerable.Range(0, 3).Select(j => j < i ? FollowUpState.Reminded : j == i ? FollowUpState.Sending : FollowUpState.Scheduled),
                seen[i].Select(r => r.State));
            Assert.Equal((DateTime?)start.AddMinutes(i), seen[i][i].ClaimedAt);
        }
        Assert.All(await Task.WhenAll(ids.Select(rig.FollowUpAsync)), f => Assert.Equal((FollowUpState.Reminded, 1), (f.State, f.AttemptCount)));
    }

    [Fact]
    public async Task The_window_between_the_servers_acceptance_and_the_sent_mark_is_measured_for_each_reminder()
    {
        await using var rig = await ReminderRig.StartAsync();
        var company = await rig.CompanyAsync("Yelp");
        var ids = await CreateAsync(rig, company, 2 * FollowUpDelivery.BatchSize, TimeSpan.FromMinutes(5));
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        // This app's meter only (other tests' apps run in this process too).
        var meters = rig.App.Services.GetRequiredService<IMeterFactory>();
        var windows = new ConcurrentQueue<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == ReminderMetrics.UnrecordedWindow)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => windows.Enqueue(value));
        listener.Start();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sent = await rig.InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DrainAsync(TimeSpan.Zero, waitForTurn: true, CancellationToken.None));
        var took = watch.Elapsed;

        Assert.Equal(ids.Count, sent);
        Assert.Equal(ids.Count, rig.Smtp.Received.Count);
        var measured = windows.Order().ToList();
        Assert.Equal(ids.Count, measured.Count);
        Assert.All(measured, w => Assert.True(w > 0));
        output.WriteLine($"{ids.Count} reminders drained in {took.TotalSeconds:F2} s ({ids.Count / took.TotalSeconds:F0}/s); from the server's acceptance to the " +
            $"sent mark's commit: median {measured[measured.Count / 2]:F2} ms, 99th percentile {measured[(int)(measured.Count * 0.99) - 1]:F2} ms, worst {measured[^1]:F2} ms.");
    }

    [Fact]
    public async Task A_mail_session_opens_a_fresh_connection_when_the_server_dropped_the_kept_one()
    {
        await using var smtp = new SmtpSink();
        var sender = new PyPyLeads.Mail.SmtpMailSender(Microsoft.Extensions.Options.Options.Create(new MailOptions
        {
            Host = "127.0.0.1",
            Port = smtp.Port,
            Security = "None",
        }));
        await using (var session = ((PyPyLeads.Mail.IMailSender)sender).OpenSession())
        {
            await session.SendAsync(Message("one"), CancellationToken.None);
            await session.SendAsync(Message("two"), CancellationToken.None);
            Assert.Equal(1, smtp.Connections);

            // The server restarts (as after an idle timeout): the kept connection is gone.
            await smtp.StopAsync();
            smtp.Start();
            await session.SendAsync(Message("three"), CancellationToken.None);
        }
        Assert.Equal(["one", "three", "two"], smtp.Received.Select(m => m.Message.Subject).Order());
        Assert.Equal(2, smtp.Connections);

        static MimeKit.MimeMessage Message(string subject)
        {
            var message = new MimeKit.MimeMessage { Subject = subject };
            message.From.Add(MimeKit.MailboxAddress.Parse("pypyleads@localhost"));
            message.To.Add(MimeKit.MailboxAddress.Parse(People.AdminEmail));
            message.Body = new MimeKit.TextPart("plain") { Text = subject };
            return message;
        }
    }

    private static Task<List<int>> CreateAsync(ReminderRig rig, int company, int count, TimeSpan dueIn) => rig.InScopeAsync(async sp =>
    {
        var scheduler = sp.GetRequiredService<FollowUpScheduler>();
        var db = sp.GetRequiredService<LeadsDbContext>();
        var owner = await db.Users.Where(u => u.Email == People.AdminEmail).Select(u => u.Id).SingleAsync();
        var due = rig.Clock.GetUtcNow().UtcDateTime + dueIn;
        var created = new List<int>();
        for (var i = 0; i < count; i++)
        {
            created.Add((await scheduler.CreateAsync(new NewFollowUp(company, owner, due, $"Follow-up {i}"), Actor.Reminders, CancellationToken.None)).Id);
        }
        return created;
    });

    private static IEnumerable<string> Ids(IEnumerable<int> ids) => ids.Select(i => i.ToString(CultureInfo.InvariantCulture)).Order();
}
