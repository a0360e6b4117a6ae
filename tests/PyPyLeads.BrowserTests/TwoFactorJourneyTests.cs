using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using OtpNet;
using PyPyLeads.Users;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

public sealed class TwoFactorJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    /// <summary>The phone's time and the app's authenticator clock, which the test moves a step at a time.</summary>
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private LeadsApp? _app;

    private LeadsApp App => _app ??= new LeadsApp().WithServices(s => s.AddSingleton(new AuthenticatorClock(_time))).OnLoopback();

    private string Code(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(_time.GetUtcNow().UtcDateTime);

    [ChromiumFact]
    public async Task On_a_phone_an_admin_adds_an_authenticator_app_and_then_signs_in_with_its_code()
    {
        var page = await browser.NewPageAsync(App.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await Pages.OpenMenuAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/settings");
        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor sign-in" }).ClickAsync();
        await page.WaitForURLAsync("**/account/two-factor");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add an authenticator app" }).ClickAsync();
        await page.WaitForURLAsync("**/account/two-factor/enrol");
        await Expect(page.GetByTestId("qr-code")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);
        var key = Regex.Replace((await page.GetByTestId("shared-key").TextContentAsync())!, @"\s", "").ToUpperInvariant();
        await page.GetByLabel("Code from the app").FillAsync(Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GotoAsync("/account/two-factor/disable");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Turn off" })).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);

        await Pages.SignOutAsync(page);
        _time.Advance(TimeSpan.FromSeconds(30));
        await Pages.SignInAsync(page, People.AdminEmail, People.AdminPassword);
        await page.WaitForURLAsync("**/account/two-factor/sign-in**");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GetByLabel("Code").FillAsync(Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await Expect(page.GetByTestId("signed-in-as")).ToBeAttachedAsync();
    }

    public void Dispose() => _app?.Dispose();
}
