using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.IntegrationTests.Intake;

/// <summary>The Mail pages over HTTP: a message read from the drop folder, its attachments as downloads, /health.</summary>
public sealed class IntakePagesTests : IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Hangfire:RunServer", "false");

    private async Task<HttpClient> AdminWithOneMessageAsync()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var mail = MailboxIntakeTests.Mail("Peter <peter@initech.example>", "Slides", "Attached.");
        var body = new BodyBuilder
        {
            TextBody = "Attached.",
            HtmlBody = "<p>Attached <img src=\"http://tracker.example/p.gif\"><script>alert(1)</script></p>",
        };
        body.Attachments.Add("slides.pdf", "%PDF-1.4 slides"u8.ToArray(), new ContentType("application", "pdf"));
        body.Attachments.Add("page.html", "<script>alert(1)</script>"u8.ToArray(), new ContentType("text", "html"));
        body.Attachments.Add("renamed.pdf", "<html><script>alert(1)</script>"u8.ToArray(), new ContentType("text", "html"));
        mail.Body = body.ToMessageBody();
        var inbox = Path.Combine(_app.DataDirectory, "inbox");
        Directory.CreateDirectory(inbox);
        await using (var file = File.Create(Path.Combine(inbox, "one.eml")))
        {
            await mail.WriteToAsync(file);
        }
        People.Expect(await admin.PostFormAsync("/intake", new Dictionary<string, string>(), action: "/intake/check"), HttpStatusCode.Redirect, "/intake");
        return admin;
    }

    [Fact]
    public async Task Admins_see_at_once_that_the_mailbox_cannot_be_read_and_members_never_do()
    {
        // A mailbox server that is not there: the check fails as when the team's server is down.
        using var down = new LeadsApp().With("Hangfire:RunServer", "false")
            .With("Intake:Imap:Host", "127.0.0.1").With("Intake:Imap:Port", PyPyLeads.TestSupport.AppProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Intake:Imap:Security", "None").With("Intake:Imap:User", "team@pypyleads.test").With("Intake:Imap:TimeoutSeconds", "5");
        var admin = down.Client();
        await People.SetUpAsync(admin);
        var member = await People.MemberAsync(down, admin, "Holger Krekel", "holger@merlinux.eu");
        Assert.Null((await admin.GetPageAsync("/")).QuerySelector("[data-testid=mailbox-health]"));

        People.Expect(await admin.PostFormAsync("/intake", new Dictionary<string, string>(), action: "/intake/check"), HttpStatusCode.Redirect, "/intake");

        // The banner is read once a minute per instance, but a check on this instance puts its outcome there at once.
        var banner = (await admin.GetPageAsync("/")).QuerySelector("[data-testid=mailbox-health]");
        Assert.NotNull(banner);
        Assert.Contains("The team mailbox cannot be read", banner.TextContent);
        Assert.Null((await member.GetPageAsync("/")).QuerySelector("[data-testid=mailbox-health]"));
    }

    [Fact]
    public async Task Attachments_are_downloads_typed_only_when_inert_and_declared_alike_and_never_sniffed()
    {
        var admin = await AdminWithOneMessageAsync();
        var list = await admin.GetPageAsync("/intake");
        var show = list.QuerySelector("[data-testid=triage-message] a")!.GetAttribute("href")!;
        var page = await admin.GetPageAsync(show);
        var links = page.QuerySelectorAll("[data-testid=attachments] a").ToDictionary(a => a.TextContent, a => a.GetAttribute("href")!);

        foreach (var (name, type) in new[] { ("slides.pdf", "application/pdf"), ("page.html", "application/octet-stream"), ("renamed.pdf", "application/octet-stream") })
        {
            var response = await admin.GetAsync(links[name]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal(name, response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        // Another message's id in the path does not reach it.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(links["slides.pdf"].Replace("/intake/", "/intake/9", StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task The_formatted_view_carries_no_script_and_no_remote_image_and_health_reports_the_mailbox()
    {
        var admin = await AdminWithOneMessageAsync();
        var show = (await admin.GetPageAsync("/intake")).QuerySelector("[data-testid=triage-message] a")!.GetAttribute("href")!;

        var html = await admin.GetPageAsync(show + "?view=html");

        var shown = html.QuerySelector("[data-testid=mail-html]")!;
        Assert.Contains("Attached", shown.TextContent);
        Assert.Empty(shown.QuerySelectorAll("script, img"));
        Assert.DoesNotContain("tracker.example", shown.InnerHtml);

        using var health = JsonDocument.Parse(await (await _app.Client().GetAsync("/health")).Content.ReadAsStringAsync());
        var mailbox = health.RootElement.GetProperty("checks").GetProperty("mailbox");
        Assert.Equal("Healthy", mailbox.GetProperty("status").GetString());
        Assert.StartsWith("drop:", mailbox.GetProperty("data").GetProperty("mailbox").GetString());
    }

    [Fact]
    public async Task A_filed_message_from_someone_new_offers_to_add_them_as_a_person_and_the_offer_goes_once_they_are()
    {
        int initech;
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            var company = new Company { Name = "Initech", NameKey = "initech", WebDomain = "initech.example", DomainKey = "initech.example", CreatedAtUtc = DateTime.UtcNow };
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            initech = company.Id;
        }
        var admin = await AdminWithOneMessageAsync();
        var show = "/intake/" + await Db(db => db.IntakeMessages.Select(m => m.Id).SingleAsync());
        var page = await admin.GetPageAsync(show);
        Assert.Contains("Initech", page.QuerySelector("[data-testid=mail-state]")!.TextContent);

        var added = await admin.PostFormAsync(show, new Dictionary<string, string>(), action: $"/companies/{initech}/people/new");

        People.Expect(added, HttpStatusCode.Redirect, $"/companies/{initech}");
        var person = await Db(db => db.People.SingleAsync(p => p.CompanyId == initech));
        Assert.Equal(("Peter", "peter@initech.example"), (person.Name, person.Email));
        Assert.Null((await admin.GetPageAsync(show)).QuerySelector("[data-testid=add-sender]"));
    }

    private async Task<T> Db<T>(Func<LeadsDbContext, Task<T>> work)
    {
        using var scope = _app.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    public void Dispose() => _app.Dispose();
}
