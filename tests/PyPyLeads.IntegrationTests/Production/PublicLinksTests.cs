using System.Net;

namespace PyPyLeads.IntegrationTests.Production;

/// <summary>Every absolute link the app hands out starts with Site:BaseUrl, never with the Host a request names.</summary>
public sealed class PublicLinksTests : IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Site:BaseUrl", "https://leads.example.org/");

    [Fact]
    public async Task Invitation_and_calendar_feed_links_start_with_the_public_base_url_whatever_host_the_request_names()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        admin.DefaultRequestHeaders.Host = "attacker.example";

        var invited = await admin.PostFormAsync("/users/invite", new Dictionary<string, string>
        {
            ["DisplayName"] = "Samuele Pedroni",
            ["Email"] = "pedronis@openend.se",
            ["Role"] = "Member",
            ["ConsultancyId"] = "",
            ["TimeZoneId"] = "Europe/Stockholm",
        });
        var invitation = (await invited.ReadPageAsync()).QuerySelector("[data-testid=invitation-link]")?.TextContent;
        var made = await admin.PostFormAsync("/calendar", new Dictionary<string, string>(), "/calendar/feed");
        var feed = (await made.ReadPageAsync()).QuerySelector("[data-testid=feed-url]")?.TextContent.Trim();

        Assert.StartsWith("https://leads.example.org/account/invitation?", invitation, StringComparison.Ordinal);
        Assert.StartsWith("https://leads.example.org/calendar/feed/", feed, StringComparison.Ordinal);
        // The links work: their path and query open the invitation and the feed.
        var anonymous = _app.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(invitation!).PathAndQuery)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(feed!).PathAndQuery)).StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
