using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Users;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>The pages of sessions that end, on a phone (375 px): one's sessions and password, and an admin disabling a user and handing over their follow-ups.</summary>
public sealed class SessionPagesTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task A_user_on_a_phone_sees_their_sessions_and_changes_their_password()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        await page.GotoAsync("/settings");
        await page.GetByTestId("your-sessions").ClickAsync();
        await page.WaitForURLAsync("**/settings/sessions");
        await Expect(page.GetByTestId("session")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("session-current")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("session-device")).ToContainTextAsync("Chrome on Linux");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Change your password" }).ClickAsync();
        await page.WaitForURLAsync("**/settings/password");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GetByLabel("Current password").FillAsync("not the password at all");
        await page.GetByLabel("New password (at least 12 characters)").FillAsync("a brand new passphrase");
        await page.GetByLabel("The new password again").FillAsync("a brand new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.Locator("[data-valmsg-for=CurrentPassword]")).ToHaveTextAsync("This is not your current password.");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByLabel("Current password").FillAsync(People.AdminPassword);
        await page.GetByLabel("New password (at least 12 characters)").FillAsync("a brand new passphrase");
        await page.GetByLabel("The new password again").FillAsync("a brand new passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await page.WaitForURLAsync("**/settings/sessions");
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Your password is changed.");
        // Still signed in, in a new session.
        await Expect(page.GetByTestId("session")).ToHaveCountAsync(1);
        await Pages.AssertFitsTheScreenAsync(page);
    }

    [ChromiumFact]
    public async Task An_admin_on_a_phone_disables_a_user_and_hands_over_their_follow_up()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        await ArminWithAFollowUpAsync();

        await page.GotoAsync("/users");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Armin Rigo" }).GetByTestId("disable").ClickAsync();
        await page.WaitForURLAsync(new Regex("/users/[^/]+/followups$"));
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Armin Rigo is disabled and signed out everywhere. Hand over their 1 open follow-up.");
        await Expect(page.GetByTestId("hand-over-row")).ToContainTextAsync("Yelp");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByLabel("Hand to").SelectOptionAsync(new SelectOptionValue { Label = "Laura Creighton" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Hand over" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Follow-up handed over.");
        await Expect(page.GetByTestId("nothing-to-hand-over")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GotoAsync("/users");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Armin Rigo" }).GetByTestId("user-state")).ToHaveTextAsync("Disabled");
        await Pages.AssertFitsTheScreenAsync(page);
    }

    /// <summary>Armin, a member with a password, owning an open follow-up about Yelp.</summary>
    private async Task ArminWithAFollowUpAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var armin = new AppUser { UserName = "arigo@openend.se", Email = "arigo@openend.se", EmailConfirmed = true, DisplayName = "Armin Rigo", CreatedAtUtc = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(armin, "a long enough password")).Succeeded);
        Assert.True((await users.AddToRoleAsync(armin, Roles.Member)).Succeeded);
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var yelp = new Company { Name = "Yelp", NameKey = CompanyKeys.Name("Yelp"), CreatedAtUtc = DateTime.UtcNow };
        db.Companies.Add(yelp);
        await db.SaveChangesAsync();
        var due = new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc);
        db.FollowUps.Add(new FollowUp
        {
            CompanyId = yelp.Id, OwnerUserId = armin.Id, CreatedByUserId = armin.Id, CreatedAtUtc = DateTime.UtcNow, DueAtUtc = due, NextAttemptAtUtc = due,
            Note = "Send the JIT benchmarks",
        });
        await db.SaveChangesAsync();
    }

    public void Dispose() => _app.Dispose();
}
