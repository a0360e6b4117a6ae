using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using PyPyLeads.Companies;
using PyPyLeads.Intake;
using Xunit.Abstractions;

namespace PyPyLeads.IntegrationTests.Intake;

/// <summary>
/// The team mailbox read over IMAP from a real Dovecot on loopback (started by each test, messages placed with APPEND),
/// into the app's real SQLite file: what lands on which company, what waits in triage, and that nothing is lost or
/// imported twice when the server dies in the middle.
/// </summary>
public sealed class MailboxIntakeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2011, 3, 4, 18, 0, 0, TimeSpan.FromHours(-8));
    private Dovecot _dovecot = null!;
    private UseCaseRig _rig = null!;

    public async Task InitializeAsync()
    {
        if (!Dovecot.IsInstalled)
        {
            return; // the tests skip themselves (DovecotFact)
        }
        _dovecot = await Dovecot.StartAsync();
        _rig = UseCaseRig.Start(app =>
        {
            app.Clock = new FakeTimeProvider(Now);
            // No job server: the test runs each check itself, so counts are exact.
            app.With("Hangfire:RunServer", "false");
            foreach (var (key, value) in _dovecot.Settings())
            {
                app.With(key, value);
            }
        });
    }

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
        }
    }

    private Task<CheckResult> CheckAsync(CancellationToken cancellationToken = default) =>
        _rig.App.Services.GetRequiredService<CheckMailbox>().RunAsync(cancellationToken);

    public static MimeMessage Mail(string from, string subject, string text, string to = Dovecot.User, string? id = null, string? inReplyTo = null, DateTimeOffset? date = null)
    {
        var message = new MimeMessage { Subject = subject, Date = date ?? Now.AddHours(-1), MessageId = id ?? MimeKit.Utils.MimeUtils.GenerateMessageId("mail.test") };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private async Task<IntakeHealthReport> HealthAsync()
    {
        await using var scope = _rig.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IntakeHealth>().CheckAsync(CancellationToken.None);
    }

    private Task<List<IntakeMessage>> MessagesAsync() => _rig.DbAsync(db => db.IntakeMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

    private Task<List<PyPyLeads.Timeline.TimelineEntry>> MailOnTimelineAsync(int companyId) =>
        _rig.DbAsync(db => db.Timeline.AsNoTracking().Where(t => t.CompanyId == companyId && t.Kind == ImportMail.TimelineKind).ToListAsync());

    private Task<int> PersonAsync(int companyId, string name, string email) => _rig.DbAsync(async db =>
    {
        var person = new Person { CompanyId = companyId, Name = name, Email = email, EmailKey = CompanyKeys.Email(email), CreatedAtUtc = Now.UtcDateTime };
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person.Id;
    });

    [DovecotFact]
    public async Task Mail_from_a_known_person_lands_on_their_companys_timeline_and_moves_to_processed_only_once_committed()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        await PersonAsync(yelp, "Jane Doe", "Jane.Doe@yelp-mail.example");
        var mail = Mail("Jane Doe <jane.doe@yelp-mail.example>", "Your talk on the JIT", "Could you come and present to our team?\n\n-- \nJane Doe\nEngineering manager\nYelp");
        await _dovecot.AppendAsync(mail);

        var result = await CheckAsync();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(new ImportCounts(1, 0, 0), result.Counts);
        var entry = Assert.Single(await MailOnTimelineAsync(yelp));
        Assert.Equal("E-mail from Jane Doe <jane.doe@yelp-mail.example>: Your talk on the JIT", entry.Summary);
        Assert.Contains("Could you come and present to our team?", entry.Details);
        Assert.Equal(mail.Date.UtcDateTime, entry.AtUtc);
        Assert.Equal(ImportMail.Intake.Name, entry.ActorName);
        var stored = Assert.Single(await MessagesAsync());
        Assert.Equal((IntakeState.Filed, yelp, "Jane Doe\nEngineering manager\nYelp"), (stored.State, stored.CompanyId, stored.Signature));
        Assert.Empty(await _dovecot.MessageIdsAsync("INBOX"));
        Assert.Equal([mail.MessageId], await _dovecot.MessageIdsAsync("Processed"));

        // Read again: nothing new, nothing twice.
        Assert.Equal(new ImportCounts(0, 0, 0), (await CheckAsync()).Counts);
        Assert.Single(await MailOnTimelineAsync(yelp));
    }

    [DovecotFact]
    public async Task Mail_from_an_unknown_address_at_a_companys_web_domain_lands_on_that_company()
    {
        var mozilla = await _rig.CompanyAsync("Mozilla", c => (c.WebDomain, c.DomainKey) = ("https://www.mozilla.org/", "mozilla.org"));
        await _rig.CompanyAsync("Google", c => (c.WebDomain, c.DomainKey) = ("google.com", "google.com"));

        await _dovecot.AppendAsync(Mail("dmandelin@mozilla.org", "TraceMonkey and PyPy", "Let us compare notes."));
        await CheckAsync();

        Assert.Equal("E-mail from dmandelin@mozilla.org: TraceMonkey and PyPy", Assert.Single(await MailOnTimelineAsync(mozilla)).Summary);
    }

    [DovecotFact]
    public async Task Mail_that_matches_no_company_waits_in_triage_saying_why()
    {
        await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));

        await _dovecot.AppendAsync(Mail("Someone <someone@initech.example>", "PyPy for our TPS reports?", "Hello"));
        var result = await CheckAsync();

        Assert.Equal(new ImportCounts(0, 1, 0), result.Counts);
        var stored = Assert.Single(await MessagesAsync());
        Assert.Equal(IntakeState.Triage, stored.State);
        Assert.Null(stored.CompanyId);
        Assert.Equal("No company has these people or web domains: someone@initech.example.", stored.TriageReason);
        Assert.Equal(0, await _rig.DbAsync(db => db.Timeline.CountAsync(t => t.Kind == ImportMail.TimelineKind)));
    }

    [DovecotFact]
    public async Task Mail_matching_several_companies_waits_in_triage_naming_none_of_them_the_winner()
    {
        var first = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var second = await _rig.CompanyAsync("Google", c => (c.WebDomain, c.DomainKey) = ("google.com", "google.com"));
        var mail = Mail("a@yelp.com", "Joint visit", "Both of us would like to come.");
        mail.Cc.Add(MailboxAddress.Parse("b@google.com"));

        await _dovecot.AppendAsync(mail);
        await CheckAsync();

        var stored = Assert.Single(await MessagesAsync());
        Assert.Equal((IntakeState.Triage, "Its addresses match several companies' web domains."), (stored.State, stored.TriageReason));
        Assert.Empty(await MailOnTimelineAsync(first));
        Assert.Empty(await MailOnTimelineAsync(second));
    }

    [DovecotFact]
    public async Task A_reply_joins_its_thread_even_from_an_address_no_company_knows()
    {
        var google = await _rig.CompanyAsync("Google", c => (c.WebDomain, c.DomainKey) = ("google.com", "google.com"));
        var first = Mail("Guido <guido@google.com>", "Unladen Swallow vs PyPy", "Shall we talk?", id: "thread-1@google.com");
        await _dovecot.AppendAsync(first);
        await CheckAsync();

        // From a private address, to Laura, copied to the team mailbox.
        var reply = Mail("Guido <guido.private@gmail.example>", "Re: Unladen Swallow vs PyPy", "Yes, Thursday.", to: "lac@openend.se", inReplyTo: "thread-1@google.com");
        reply.Cc.Add(MailboxAddress.Parse(Dovecot.User));
        await _dovecot.AppendAsync(reply);
        await CheckAsync();

        Assert.Equal(["E-mail from Guido <guido@google.com>: Unladen Swallow vs PyPy", "E-mail from Guido <guido.private@gmail.example>: Re: Unladen Swallow vs PyPy"],
            (await MailOnTimelineAsync(google)).OrderBy(t => t.Id).Select(t => t.Summary));
    }

    [DovecotFact]
    public async Task A_forwarded_message_is_filed_by_its_original_sender_not_by_the_team_member_who_forwarded_it()
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        await _dovecot.AppendAsync(Mail("Laura Creighton <lac@openend.se>", "Fwd: PyPy at Yelp", """
            Look, a lead from the talk.

            ---------- Forwarded message ---------
            From: Jeremy Stoppelman <jeremy@yelp.com>
            Date: Fri, Mar 4, 2011 at 10:12 AM
            Subject: PyPy at Yelp
            To: Laura Creighton <lac@openend.se>

            We would like to hear more about the JIT.
            """));

        await CheckAsync();

        var stored = Assert.Single(await MessagesAsync());
        Assert.Equal(("Jeremy Stoppelman", "jeremy@yelp.com", "lac@openend.se", yelp), (stored.SenderName, stored.SenderAddress, stored.ForwardedBy, stored.CompanyId));
        var entry = Assert.Single(await MailOnTimelineAsync(yelp));
        Assert.StartsWith("E-mail from Jeremy Stoppelman <jeremy@yelp.com>: Fwd: PyPy at Yelp", entry.Summary);
        Assert.Contains("Forwarded by: lac@openend.se", entry.Details);
    }

    [DovecotFact]
    public async Task A_malformed_message_goes_to_triage_with_the_parsers_error_and_the_messages_after_it_still_come_in()
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var garbage = Encoding.ASCII.GetBytes("this is not a mail header at all\r\nnor is this\r\n\r\nbody\r\n");
        await _dovecot.AppendRawAsync(garbage);
        await _dovecot.AppendAsync(Mail("x@yelp.com", "After the broken one", "Still here."));

        var result = await CheckAsync();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(new ImportCounts(1, 1, 0), result.Counts);
        var broken = (await MessagesAsync()).Single(m => m.State == IntakeState.Triage);
        Assert.StartsWith("It could not be read: ", broken.TriageReason);
        Assert.Equal(garbage, broken.RawWhenUnreadable);
        Assert.StartsWith("sha256:", broken.MessageKey);
        Assert.Single(await MailOnTimelineAsync(yelp));
        Assert.Empty(await _dovecot.MessageIdsAsync("INBOX"));
    }

    [DovecotFact]
    public async Task A_5_MB_attachment_is_kept_whole_and_one_over_the_limit_is_listed_without_its_bytes()
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var pdf = new byte[5 * 1024 * 1024];
        new Random(7).NextBytes(pdf);
        var mail = Mail("cto@yelp.com", "Our architecture", "See the attached.");
        var body = new BodyBuilder { TextBody = "See the attached." };
        body.Attachments.Add("architecture.pdf", pdf, new ContentType("application", "pdf"));
        body.Attachments.Add("huge.bin", new byte[11 * 1024 * 1024], new ContentType("application", "octet-stream"));
        mail.Body = body.ToMessageBody();
        await _dovecot.AppendAsync(mail);

        await CheckAsync();

        var attachments = await _rig.DbAsync(db => db.IntakeAttachments.AsNoTracking().OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(["architecture.pdf", "huge.bin"], attachments.Select(a => a.FileName));
        Assert.Equal(pdf, attachments[0].Content);
        Assert.Equal(11L * 1024 * 1024, attachments[1].Size);
        Assert.Null(attachments[1].Content);
        Assert.Contains("Attachments: architecture.pdf (5 MB), huge.bin (11 MB)", Assert.Single(await MailOnTimelineAsync(yelp)).Details);
    }

    [DovecotFact]
    public async Task Html_mail_keeps_no_script_no_image_and_shows_each_links_real_target()
    {
        await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var mail = Mail("x@yelp.com", "Newsletter", "");
        mail.Body = new BodyBuilder
        {
            HtmlBody = """
                <html><head><script>alert(1)</script><style>body{background:url(http://tracker.example/bg.png)}</style></head>
                <body onload="steal()"><p>Hello <b>team</b></p>
                <img src="http://tracker.example/pixel.gif"><img src="cid:logo">
                <a href="https://evil.example/login" onclick="x()">https://www.yelp.com/login</a>
                <a href="javascript:alert(2)">click</a><iframe src="https://evil.example"></iframe>
                <div style="background-image:url('http://tracker.example/x.png')">styled</div></body></html>
                """,
        }.ToMessageBody();
        await _dovecot.AppendAsync(mail);

        await CheckAsync();

        var html = Assert.Single(await MessagesAsync()).SafeHtml!;
        foreach (var gone in new[] { "<script", "alert", "<img", "tracker.example", "onload", "onclick", "javascript:", "<iframe", "style=", "<style" })
        {
            Assert.DoesNotContain(gone, html, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("<b>team</b>", html);
        Assert.Contains("<span class=\"link-target\"> [https://evil.example/login]</span>", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
    }

    [DovecotFact]
    public async Task The_server_killed_in_the_middle_of_a_check_loses_nothing_and_doubles_nothing_and_health_says_so_meanwhile()
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var mails = Enumerable.Range(1, 2000).Select(i => Mail("x@yelp.com", $"Message {i}", $"Number {i}", id: $"m{i}@yelp.com")).ToArray();
        await _dovecot.AppendAsync(mails);

        // Kill the server once the first batches are committed, while later ones are being fetched.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var first = CheckAsync(stop.Token);
        while (await _rig.DbAsync(db => db.IntakeMessages.CountAsync()) < 100 && !first.IsCompleted)
        {
            await Task.Delay(20);
        }
        await _dovecot.KillAsync();
        var failed = await first;
        var before = await _rig.DbAsync(db => db.IntakeMessages.CountAsync());
        output.WriteLine($"Killed with {before} of 2000 committed: {failed.Error}");
        Assert.False(failed.Succeeded);
        Assert.InRange(before, 100, 1999);
        Assert.False((await HealthAsync()).IsHealthy);

        await _dovecot.StartAgainAsync();
        var second = await CheckAsync();

        Assert.True(second.Succeeded, second.Error);
        var stored = await MessagesAsync();
        Assert.Equal(2000, stored.Count);
        Assert.Equal(2000, stored.Select(m => m.MessageKey).Distinct().Count());
        Assert.Equal(2000, (await MailOnTimelineAsync(yelp)).Count);
        Assert.Empty(await _dovecot.MessageIdsAsync("INBOX"));
        Assert.Equal(mails.Select(m => m.MessageId).Order(), (await _dovecot.MessageIdsAsync("Processed")).Distinct().Order());
        Assert.True((await HealthAsync()).IsHealthy);
    }

    [DovecotFact]
    public async Task Four_checks_at_once_import_each_message_once_and_count_it_once()
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var ids = Enumerable.Range(1, 300).Select(i => $"twice{i}@yelp.com").ToList();
        await _dovecot.AppendAsync(ids.Select((id, i) => Mail("x@yelp.com", $"Message {i + 1}", "Hi", id: id)).ToArray());

        // Instances' jobs at the same minute, each with its own connection to the server and to the database. Dovecot
        // answers a read of a message another connection has just moved with an empty body: never imported as a message.
        var results = await Task.WhenAll(CheckAsync(), CheckAsync(), CheckAsync(), CheckAsync());

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var stored = await MessagesAsync();
        Assert.Equal(ids.Select(id => $"<{id}>").Order(StringComparer.Ordinal), stored.Select(m => m.MessageKey).Order(StringComparer.Ordinal));
        Assert.Equal(300, (await MailOnTimelineAsync(yelp)).Count);
        Assert.Equal(300, results.Sum(r => r.Counts.Filed));
        Assert.Equal(0, results.Sum(r => r.Counts.Triage));
        Assert.Empty(await _dovecot.MessageIdsAsync("INBOX"));
    }

    /// <summary>The 5,000 messages, with the rate (in the test's output): half filed on a known domain, half in triage.</summary>
    [DovecotFact]
    public Task A_backlog_of_5000_messages_is_imported_once_and_its_rate_measured() => BacklogAsync(5000);

    private async Task BacklogAsync(int count)
    {
        await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var placed = Stopwatch.StartNew();
        await _dovecot.AppendAsync(Enumerable.Range(1, count)
            .Select(i => Mail(i % 2 == 0 ? "x@yelp.com" : $"someone{i}@unknown.example", $"Backlog {i}", $"Message number {i}.", id: $"b{i}@backlog.example")).ToArray());
        placed.Stop();

        var clock = Stopwatch.StartNew();
        var result = await CheckAsync();
        clock.Stop();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(new ImportCounts(count / 2, count / 2, 0), result.Counts);
        Assert.Equal(count, await _rig.DbAsync(db => db.IntakeMessages.CountAsync()));
        Assert.Empty(await _dovecot.MessageIdsAsync("INBOX"));
        Assert.Equal(count, (await _dovecot.MessageIdsAsync("Processed")).Distinct().Count());
        output.WriteLine($"Backlog: {count} messages placed in {placed.Elapsed.TotalSeconds:0.0} s; imported in {clock.Elapsed.TotalSeconds:0.0} s = {count / clock.Elapsed.TotalSeconds:0} messages/s");
    }
}
