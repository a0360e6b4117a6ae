using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PyPyLeads.AccessTokens;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>The access tokens' pages on a phone (375 px): Settings, API tokens, make one, the page that shows it once, the list after.</summary>
public sealed class AccessTokenPagesTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task A_user_on_a_phone_makes_a_token_sees_it_once_and_the_list_keeps_only_its_start()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await page.GotoAsync("/settings");
        await page.GetByTestId("api-tokens").ClickAsync();
        await page.WaitForURLAsync("**/settings/tokens");
        await Expect(page.GetByTestId("no-tokens")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByLabel("Name").FillAsync("Eurostars spreadsheet");
        await page.GetByLabel("Read and write").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Make a token" }).ClickAsync();
        await Expect(page.GetByTestId("token-secret")).ToBeVisibleAsync();
        var secret = (await page.GetByTestId("token-secret").TextContentAsync())!.Trim();
        Assert.StartsWith(AccessTokenSecrets.Marker, secret, StringComparison.Ordinal);
        await Expect(page.GetByText("Copy it now: it is not shown again.")).ToBeVisibleAsync();
        // The long secret and the curl line wrap instead of widening the page.
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to your tokens" }).ClickAsync();
        await page.WaitForURLAsync("**/settings/tokens");
        await Expect(page.GetByTestId("token")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("token")).ToContainTextAsync("Eurostars spreadsheet");
        await Expect(page.GetByTestId("token")).ToContainTextAsync(AccessTokenSecrets.PrefixOf(secret));
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await Pages.AssertFitsTheScreenAsync(page);

        // The token shown is one the API takes.
        using var api = new HttpClient { BaseAddress = _app.ServerAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/api/v1/companies")).StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
