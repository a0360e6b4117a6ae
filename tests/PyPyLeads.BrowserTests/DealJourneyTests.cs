using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>Tracking deal status, on phones: assignment, a deal through the pipeline, the dashboard, and who may move what.</summary>
public sealed class DealJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private const string OpenEndEmail = "jacob@openend.se";
    private const string MerlinuxEmail = "holger@merlinux.eu";
    private const string Password = "a long enough password";

    private readonly List<HttpClient> _clients = [];
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    /// <summary>The admin (set up over HTTP), an Open End and a merlinux member, and Yelp, met at the Yelp talk, not yet assigned.</summary>
    private async Task<int> SetUpAsync()
    {
        var admin = LoopbackClient();
        await People.SetUpAsync(admin);
        await MemberAsync(admin, "Jacob Hallén", OpenEndEmail, 1);
        await MemberAsync(admin, "Holger Krekel", MerlinuxEmail, 2);
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var yelp = new Company { Name = "Yelp", NameKey = CompanyKeys.Name("Yelp"), WebDomain = "yelp.com", DomainKey = "yelp.com", City = "San Francisco", Source = LeadSource.TourStop, SourceTourStopId = 2, CreatedAtUtc = new DateTime(2011, 3, 4, 3, 0, 0, DateTimeKind.Utc) };
        db.Companies.Add(yelp);
        await db.SaveChangesAsync();
        return yelp.Id;
    }

    /// <summary>An HTTP client on the app's loopback port (the in-memory test client has no server behind it here).</summary>
    private HttpClient LoopbackClient()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = _app.ServerAddress,
        };
        _clients.Add(client);
        return client;
    }

    private async Task MemberAsync(HttpClient admin, string name, string email, int consultancyId)
    {
        var invitation = await People.InviteAsync(admin, name, email, consultancyId: consultancyId);
        var accepted = await LoopbackClient().PostFormAsync(invitation, new Dictionary<string, string> { ["Password"] = Password, ["ConfirmPassword"] = Password }, "/account/invitation");
        People.Expect(accepted, System.Net.HttpStatusCode.Redirect, "/account/signin");
    }

    private static ILocator Totals(IPage page, string row, string cell) => page.Locator($"[data-testid=totals-{row}] [data-testid={cell}]");

    [ChromiumFact]
    public async Task Admin_assigns_Yelp_an_Open_End_member_wins_a_deal_the_dashboard_follows_and_merlinux_can_only_look()
    {
        await SetUpAsync();

        // Laura, the coordinator, assigns Yelp to Open End from the inbox.
        var laura = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SignInAsync(laura, People.AdminEmail, People.AdminPassword);
        await laura.WaitForURLAsync(new Regex("/$"));
        await Expect(laura.GetByTestId("dashboard-unassigned")).ToHaveTextAsync("1");
        await Pages.AssertFitsTheScreenAsync(laura);
        await laura.GotoAsync("/leads/unassigned");
        await Expect(laura.GetByTestId("unassigned-lead")).ToContainTextAsync("Yelp");
        await Pages.AssertFitsTheScreenAsync(laura);
        await laura.GetByRole(AriaRole.Link, new() { Name = "Assign" }).ClickAsync();
        await laura.GetByLabel("Give this lead to").SelectOptionAsync("Open End");
        await laura.GetByLabel("Why").FillAsync("Met their engineers at the Yelp talk; Open End has time in April");
        await Pages.AssertFitsTheScreenAsync(laura);
        await laura.GetByRole(AriaRole.Button, new() { Name = "Save the assignment" }).ClickAsync();
        await laura.WaitForURLAsync("**/leads/unassigned");
        await Expect(laura.GetByTestId("flash")).ToHaveTextAsync("Yelp: Assigned to Open End.");
        await Expect(laura.GetByTestId("unassigned-count")).ToHaveTextAsync("0");

        // Jacob (Open End) opens a consulting deal with Yelp.
        var jacob = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SignInAsync(jacob, OpenEndEmail, Password);
        await jacob.WaitForURLAsync(new Regex("/$"));
        await Expect(Totals(jacob, "openend", "open")).ToHaveTextAsync("0.00 EUR");
        await jacob.GotoAsync("/deals");
        await jacob.GetByRole(AriaRole.Link, new() { Name = "New deal" }).ClickAsync();
        await jacob.GetByPlaceholder("Company name").FillAsync("yelp");
        await jacob.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await jacob.GetByTestId("company-choices").GetByRole(AriaRole.Link, new() { Name = "Yelp" }).ClickAsync();
        await jacob.GetByLabel("Kind").SelectOptionAsync("Consulting");
        await jacob.GetByLabel("What it is about (optional)").FillAsync("Porting their services to PyPy");
        await jacob.GetByLabel("Value").FillAsync("12,000");
        await jacob.GetByLabel("Currency").SelectOptionAsync("EUR");
        await jacob.GetByLabel("Expected close").FillAsync("2011-06-30");
        await Pages.AssertFitsTheScreenAsync(jacob);
        await jacob.GetByRole(AriaRole.Button, new() { Name = "Create the deal" }).ClickAsync();
        await jacob.WaitForURLAsync(new Regex(@"/deals/\d+$"));
        var dealPath = new Uri(jacob.Url).AbsolutePath;
        var dealId = dealPath.Split('/').Last();
        await Expect(jacob.GetByTestId("deal-value")).ToHaveTextAsync("12,000.00 EUR");
        await Expect(jacob.GetByTestId("deal-stage")).ToHaveTextAsync("New");
        await Pages.AssertFitsTheScreenAsync(jacob);

        // On the board, with the plain Move button: to Proposal.
        await jacob.GotoAsync("/deals");
        var card = jacob.Locator($"[data-deal-id='{dealId}']");
        await Expect(jacob.GetByTestId("column-New").GetByTestId("deal-card")).ToHaveCountAsync(1);
        await Pages.AssertFitsTheScreenAsync(jacob);
        await card.Locator("select").SelectOptionAsync("Proposal");
        await card.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        await Expect(jacob.GetByTestId("flash")).ToContainTextAsync("moved from New to Proposal");
        await Expect(jacob.GetByTestId("column-Proposal").Locator($"[data-deal-id='{dealId}']")).ToBeVisibleAsync();
        await Expect(jacob.GetByTestId("column-Proposal").GetByTestId("column-weighted")).ToHaveTextAsync("6,000.00 EUR weighted");
        await Pages.AssertFitsTheScreenAsync(jacob);
        await jacob.GotoAsync("/");
        await Expect(Totals(jacob, "openend", "open")).ToHaveTextAsync("12,000.00 EUR");
        await Expect(Totals(jacob, "openend", "weighted")).ToHaveTextAsync("6,000.00 EUR");
        await Expect(Totals(jacob, "together", "won")).ToHaveTextAsync("0.00 EUR");

        // Holger (merlinux) sees the deal but has nothing to move it with, and a forged move is refused.
        var holger = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SignInAsync(holger, MerlinuxEmail, Password);
        await holger.WaitForURLAsync(new Regex("/$"));
        await Expect(Totals(holger, "openend", "weighted")).ToHaveTextAsync("6,000.00 EUR");
        await holger.GotoAsync("/deals");
        var theirCard = holger.Locator($"[data-deal-id='{dealId}']");
        await Expect(theirCard).ToContainTextAsync("Yelp");
        await Expect(theirCard.GetByRole(AriaRole.Button, new() { Name = "Move" })).ToHaveCountAsync(0);
        await Pages.AssertFitsTheScreenAsync(holger);
        await holger.GotoAsync(dealPath);
        await Expect(holger.GetByTestId("read-only")).ToContainTextAsync("Only Open End members and admins change this deal.");
        await Expect(holger.GetByTestId("move-form")).ToHaveCountAsync(0);
        var forged = await holger.EvaluateAsync<int>(@"async ([path]) => {
            const token = document.querySelector('input[name=__RequestVerificationToken]').value;
            const body = new URLSearchParams({ Stage: 'Lost', LostReason: 'sabotage', Version: '1', __RequestVerificationToken: token });
            return (await fetch(path + '/move', { method: 'POST', body })).status;
        }", new object[] { dealPath });
        Assert.Equal(403, forged);

        // Jacob wins it; the dashboard moves the value from open to won.
        await jacob.GotoAsync("/deals");
        await card.Locator("select").SelectOptionAsync("Won");
        await card.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        await Expect(jacob.GetByTestId("flash")).ToContainTextAsync("moved from Proposal to Won");
        await Expect(jacob.Locator($"[data-deal-id='{dealId}']")).ToHaveCountAsync(0); // won deals leave the board
        await jacob.GotoAsync("/");
        await Expect(Totals(jacob, "openend", "won")).ToHaveTextAsync("12,000.00 EUR");
        await Expect(Totals(jacob, "openend", "open")).ToHaveTextAsync("0.00 EUR");
        await Expect(Totals(jacob, "together", "won")).ToHaveTextAsync("12,000.00 EUR");
        await Expect(jacob.GetByTestId("days-left")).ToHaveTextAsync("212");
        await Pages.AssertFitsTheScreenAsync(jacob);

        await holger.GotoAsync("/deals/list?stage=Won");
        await Expect(holger.GetByTestId("deal-row")).ToContainTextAsync("Yelp");
        await Pages.AssertFitsTheScreenAsync(holger);
        await holger.GotoAsync(dealPath);
        await Expect(holger.GetByTestId("deal-stage")).ToHaveTextAsync("Won");
        await Expect(holger.GetByTestId("stage-change")).ToHaveCountAsync(3);
    }

    [ChromiumFact]
    public async Task On_a_desktop_a_card_is_dragged_to_another_column()
    {
        var yelp = await SetUpAsync();
        var laura = await browser.NewPageAsync(_app.ServerAddress, width: 1280, height: 900);
        await Pages.SignInAsync(laura, People.AdminEmail, People.AdminPassword);
        await laura.WaitForURLAsync(new Regex("/$"));
        await laura.GotoAsync($"/deals/new?companyId={yelp}");
        await laura.GetByLabel("Consultancy").SelectOptionAsync("Open End");
        await laura.GetByLabel("Value").FillAsync("5000");
        await laura.GetByLabel("Expected close").FillAsync("2011-05-31");
        await laura.GetByRole(AriaRole.Button, new() { Name = "Create the deal" }).ClickAsync();
        await laura.WaitForURLAsync(new Regex(@"/deals/\d+$"));
        var dealId = new Uri(laura.Url).AbsolutePath.Split('/').Last();

        await laura.GotoAsync("/deals");
        var card = laura.Locator($"[data-deal-id='{dealId}']");
        await Expect(laura.GetByTestId("column-New").Locator($"[data-deal-id='{dealId}']")).ToBeVisibleAsync();
        await card.DragToAsync(laura.GetByTestId("column-Negotiation"));
        await Expect(laura.GetByTestId("flash")).ToContainTextAsync("moved from New to Negotiation");
        await Expect(laura.GetByTestId("column-Negotiation").Locator($"[data-deal-id='{dealId}']")).ToBeVisibleAsync();
        await Expect(laura.GetByTestId("column-Negotiation").GetByTestId("column-weighted")).ToHaveTextAsync("3,750.00 EUR weighted");
        await Pages.AssertFitsTheScreenAsync(laura);
    }

    public void Dispose()
    {
        _clients.ForEach(c => c.Dispose());
        _app.Dispose();
    }
}
