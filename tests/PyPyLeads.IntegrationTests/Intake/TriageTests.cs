using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using PyPyLeads.Companies;
using PyPyLeads.Intake;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Intake;

/// <summary>The triage inbox's use cases, and the drop folder, called directly on a real SQLite file.</summary>
public sealed class TriageTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2011, 3, 4, 18, 0, 0, TimeSpan.FromHours(-8)));
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;
    private Caller _holger = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app =>
        {
            app.Clock = _clock;
            app.With("Hangfire:RunServer", "false");
        });
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", consultancyId: Consultancy.OpenEndId);
        _holger = await _rig.UserAsync("Holger Krekel", "holger@merlinux.eu", consultancyId: Consultancy.MerlinuxId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>Imports one message through the real import, as the mailbox check would, and returns it.</summary>
    private async Task<IntakeMessage> ImportAsync(MimeMessage message)
    {
        using var bytes = new MemoryStream();
        await message.WriteToAsync(bytes);
        await _rig.RunAsync<ImportMail, ImportCounts>(u => u.ImportAsync([new RawMail(bytes.ToArray())], "test", null, 0, CancellationToken.None));
        return await _rig.DbAsync(db => db.IntakeMessages.AsNoTracking().SingleAsync(m => m.MessageId == message.MessageId));
    }

    private static MimeMessage Unknown(string subject = "PyPy for TPS reports", string text = "Hello.\n\n-- \nPeter Gibbons\nSoftware engineer\nInitech\n+1 555 0100") =>
        MailboxIntakeTests.Mail("Peter Gibbons <peter@initech.example>", subject, text);

    private Task<IntakeMessage> ReadAsync(long id) => _rig.DbAsync(db => db.IntakeMessages.AsNoTracking().SingleAsync(m => m.Id == id));

    private Task<Outcome> AttachAsync(long id, int companyId, long version, Caller caller) =>
        _rig.RunAsync<AttachMail, Outcome>(u => u.RunAsync(new AttachMail.Input(id, companyId, version), caller, CancellationToken.None));

    [Fact]
    public async Task A_member_attaches_a_triage_message_to_an_unassigned_company_and_it_goes_on_its_timeline_by_them()
    {
        var initech = await _rig.CompanyAsync("Initech");
        var mail = await ImportAsync(Unknown());
        Assert.Equal(IntakeState.Triage, mail.State);

        var outcome = await AttachAsync(mail.Id, initech, mail.Version, _holger);

        Assert.Equal("Attached “PyPy for TPS reports” to Initech.", Assert.IsType<Done<AttachMail.Attached>>(outcome).Value.Message);
        Assert.Equal((IntakeState.Filed, initech), ((await ReadAsync(mail.Id)).State, (await ReadAsync(mail.Id)).CompanyId));
        var entry = await _rig.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == initech && t.Kind == ImportMail.TimelineKind));
        Assert.Equal(("Holger Krekel", "E-mail from Peter Gibbons <peter@initech.example>: PyPy for TPS reports"), (entry.ActorName, entry.Summary));
        // Posted again (a double tap): done, nothing more.
        Assert.IsType<Done<AttachMail.Attached>>(await AttachAsync(mail.Id, initech, mail.Version, _holger));
        Assert.Equal(1, await _rig.DbAsync(db => db.Timeline.CountAsync(t => t.CompanyId == initech && t.Kind == ImportMail.TimelineKind)));
    }

    [Fact]
    public async Task Mail_filed_on_a_company_merged_into_another_moves_with_it()
    {
        var initech = await _rig.CompanyAsync("Initech");
        var initrode = await _rig.CompanyAsync("Initrode");
        var mail = await ImportAsync(Unknown());
        Assert.IsType<Done<AttachMail.Attached>>(await AttachAsync(mail.Id, initech, mail.Version, _laura));
        var versions = await _rig.DbAsync(db => db.Companies.Where(c => c.Id == initech || c.Id == initrode).ToDictionaryAsync(c => c.Id, c => c.Version));

        Assert.IsType<Done<PyPyLeads.Companies.MergeCompanies.Merged>>(await _rig.RunAsync<PyPyLeads.Companies.MergeCompanies, Outcome>(u =>
            u.RunAsync(new PyPyLeads.Companies.MergeCompanies.Input(initrode, initech, versions[initrode], versions[initech]), _laura, CancellationToken.None)));

        Assert.Equal(initrode, (await ReadAsync(mail.Id)).CompanyId);
    }

    [Fact]
    public async Task A_member_may_not_attach_mail_to_the_other_consultancys_company()
    {
        var initech = await _rig.CompanyAsync("Initech", c => c.ConsultancyId = Consultancy.OpenEndId);
        var mail = await ImportAsync(Unknown());

        var refused = Assert.IsType<NotAllowed>(await AttachAsync(mail.Id, initech, mail.Version, _holger));

        Assert.Equal("“Initech” is Open End's: only its members and admins change it. You can read it.", refused.Message);
        Assert.Equal(IntakeState.Triage, (await ReadAsync(mail.Id)).State);
        Assert.IsType<Done<AttachMail.Attached>>(await AttachAsync(mail.Id, initech, mail.Version, _laura));
    }

    [Fact]
    public async Task A_dismissed_message_is_kept_and_can_be_brought_back_and_a_stale_page_changes_nothing()
    {
        var mail = await ImportAsync(Unknown());

        Assert.IsType<Done<string>>(await _rig.RunAsync<DismissMail, Outcome>(u => u.RunAsync(mail.Id, mail.Version, _holger, CancellationToken.None)));
        var dismissed = await ReadAsync(mail.Id);
        Assert.Equal((IntakeState.Dismissed, _clock.GetUtcNow().UtcDateTime), (dismissed.State, dismissed.DismissedAtUtc));

        // Attaching from the page shown before the dismissal: refused, as it stands now.
        var initech = await _rig.CompanyAsync("Initech");
        var conflict = Assert.IsType<Conflict<MailState>>(await AttachAsync(mail.Id, initech, mail.Version, _laura));
        Assert.Equal(IntakeState.Dismissed, conflict.Current.State);

        Assert.IsType<Done<string>>(await _rig.RunAsync<RestoreMail, Outcome>(u => u.RunAsync(mail.Id, dismissed.Version, _laura, CancellationToken.None)));
        var back = await ReadAsync(mail.Id);
        Assert.Equal((IntakeState.Triage, (DateTime?)null), (back.State, back.DismissedAtUtc));
        Assert.IsType<Done<AttachMail.Attached>>(await AttachAsync(mail.Id, initech, back.Version, _laura));
    }

    [Fact]
    public async Task The_new_company_form_is_prefilled_from_the_sender_their_domain_and_signature()
    {
        var mail = await ImportAsync(Unknown());

        var suggested = MailSuggestions.For(mail);

        Assert.Equal(("Initech", "initech.example", "Peter Gibbons", "peter@initech.example", "Software engineer"),
            (suggested.CompanyName, suggested.WebDomain, suggested.PersonName, suggested.PersonEmail, suggested.PersonRole));
    }

    [Fact]
    public async Task Creating_the_company_and_person_from_a_message_files_it_there_and_a_repeated_post_creates_nothing_more()
    {
        var mail = await ImportAsync(Unknown());
        var input = new CreateCompanyFromMail.Input(mail.Id, mail.Version, "Initech", "initech.example", "Austin", "USA", "Peter Gibbons", "Software engineer",
            "peter@initech.example") { SubmissionKey = Guid.NewGuid().ToString("N") };

        var first = await _rig.RunAsync<CreateCompanyFromMail, Outcome>(u => u.RunAsync(input, _holger, CancellationToken.None));
        var again = await _rig.RunAsync<CreateCompanyFromMail, Outcome>(u => u.RunAsync(input, _holger, CancellationToken.None));

        var attached = Assert.IsType<Done<AttachMail.Attached>>(first).Value;
        Assert.Equal(attached.CompanyId, Assert.IsType<Done<AttachMail.Attached>>(again).Value.CompanyId);
        var company = await _rig.DbAsync(db => db.Companies.Include(c => c.People).SingleAsync());
        Assert.Equal(("Initech", "initech.example", LeadSource.Email, null), (company.Name, company.DomainKey, company.Source, company.ConsultancyId));
        Assert.Equal(("Peter Gibbons", "peter@initech.example"), (Assert.Single(company.People).Name, company.People[0].Email));
        Assert.Equal(company.Id, (await ReadAsync(mail.Id)).CompanyId);
    }

    [Fact]
    public async Task Creating_a_company_that_exists_offers_the_existing_one_and_files_nothing()
    {
        await _rig.CompanyAsync("Initech", c => (c.WebDomain, c.DomainKey) = ("initech.example", "initech.example"));
        var mail = await ImportAsync(MailboxIntakeTests.Mail("someone@gmail.example", "Hi", "From Initech"));

        var outcome = await _rig.RunAsync<CreateCompanyFromMail, Outcome>(u => u.RunAsync(
            new CreateCompanyFromMail.Input(mail.Id, mail.Version, "Initech Inc.", null, null, null, null, null, null), _holger, CancellationToken.None));

        Assert.Equal("Initech", Assert.Single(Assert.IsType<DuplicatesFound<CompanyMatch>>(outcome).Matches).Name);
        Assert.Equal(IntakeState.Triage, (await ReadAsync(mail.Id)).State);
    }

    [Fact]
    public async Task A_message_turned_into_a_presentation_request_keeps_the_topics_it_names_and_goes_on_the_requesting_companys_timeline()
    {
        var mail = await ImportAsync(Unknown("Talk at Initech?", "Could you present the JIT and ctypes support, and maybe Stackless?"));
        var suggested = MailSuggestions.For(mail);
        Assert.Equal([Topics.JitSpeed, Topics.JitCtypes, Topics.Stackless], suggested.Topics);

        var outcome = await _rig.RunAsync<MailToPresentationRequest, Outcome>(u => u.RunAsync(mail.Id, mail.Version,
            new RequestPresentation.Input(suggested.CompanyName, suggested.WebDomain, suggested.PersonName, suggested.PersonEmail, null, "Austin", "next week", 20,
                suggested.Topics, mail.Subject, null), _laura, CancellationToken.None));

        var turned = Assert.IsType<Done<MailToPresentationRequest.Turned>>(outcome).Value;
        var request = await _rig.DbAsync(db => db.PresentationRequests.AsNoTracking().SingleAsync(r => r.Id == turned.RequestId));
        Assert.Equal(Topics.JitSpeed | Topics.JitCtypes | Topics.Stackless, request.Topics);
        Assert.Equal(turned.CompanyId, (await ReadAsync(mail.Id)).CompanyId);
        Assert.Equal(1, await _rig.DbAsync(db => db.Timeline.CountAsync(t => t.CompanyId == turned.CompanyId && t.Kind == ImportMail.TimelineKind)));
    }

    [Fact]
    public async Task The_readmes_sample_dropped_into_the_inbox_folder_lands_on_yelp_and_moves_to_processed()
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));
        var inbox = Path.Combine(_rig.App.DataDirectory, "inbox");
        Directory.CreateDirectory(inbox);
        File.Copy(SamplePath, Path.Combine(inbox, "forwarded-from-yelp.eml"));

        var result = await _rig.App.Services.GetRequiredService<CheckMailbox>().RunAsync(CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(new ImportCounts(1, 0, 0), result.Counts);
        var entry = await _rig.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == yelp && t.Kind == ImportMail.TimelineKind));
        Assert.StartsWith("E-mail from Jeremy Stoppelman <jeremy@yelp.com>: Fwd: Presentation at Yelp?", entry.Summary);
        Assert.Empty(Directory.GetFiles(inbox, "*.eml"));
        Assert.True(File.Exists(Path.Combine(inbox, "processed", "forwarded-from-yelp.eml")));
    }

    /// <summary>The sample the README points to, in the repository.</summary>
    public static string SamplePath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PyPyLeads.sln")))
            {
                dir = dir.Parent;
            }
            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("No repository root above the tests."), "src", "PyPyLeads.Web", "deploy", "intake", "forwarded-from-yelp.eml");
        }
    }
}
