using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>The admin's webhook pages on a phone (375 px): the list, the add form with its refusal, the endpoint page.</summary>
public sealed class WebhooksPageTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task An_admin_on_a_phone_adds_a_webhook_endpoint_and_reads_its_secret_and_attempts()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await Pages.OpenAdminMenuAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await page.WaitForURLAsync("**/webhooks");
        await Expect(page.GetByTestId("no-webhooks")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByTestId("new-webhook").ClickAsync();
        await page.GetByLabel("URL").FillAsync("http://hooks.example.com/pypyleads");
        await page.GetByLabel("Deal won").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(page.GetByTestId("url-error")).ToHaveTextAsync("Only https:// URLs are accepted: the events carry your leads' data.");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByLabel("URL").FillAsync("https://hooks.example.com/pypyleads/a-rather-long-path-that-must-wrap-on-a-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Webhook endpoint added");
        await Expect(page.GetByTestId("webhook-state")).ToContainTextAsync("Enabled");
        await page.GetByText("Show").ClickAsync();
        await Expect(page.GetByTestId("webhook-secret")).ToHaveTextAsync(new Regex("^whsec_"));
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GotoAsync("/webhooks");
        await Expect(page.GetByTestId("webhook-row")).ToHaveCountAsync(1);
        await Pages.AssertFitsTheScreenAsync(page);
    }

    public void Dispose() => _app.Dispose();
}
