using Microsoft.Playwright;

namespace PyPyLeads.BrowserTests;

/// <summary>Steps several journeys share, done the way a person does them.</summary>
public static class Pages
{
    public static async Task SetUpFirstAdminAsync(IPage page, string name = "Laura Creighton", string email = People.AdminEmail, string password = People.AdminPassword)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/setup");
        // As the operator does: from the data folder of the app this page is on.
        await page.GetByLabel("Set-up code").FillAsync(SetupCodes.For(new Uri(page.Url)));
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password (at least 12 characters)").FillAsync(password);
        await page.GetByLabel("The same password again").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the administrator" }).ClickAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/signin");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// Opens the collapsed navigation on a phone and waits until its slide-down has finished: a click during the
    /// animation can land on a menu that is still moving.
    /// </summary>
    public static async Task OpenMenuAsync(IPage page)
    {
        var toggler = page.Locator(".navbar-toggler");
        if (await toggler.IsVisibleAsync())
        {
            await toggler.ClickAsync();
            await page.Locator("#main-nav.collapse.show").WaitForAsync();
        }
    }

    /// <summary>Opens the admin menu (after the navigation on a phone) and waits for its items.</summary>
    public static async Task OpenAdminMenuAsync(IPage page)
    {
        await OpenMenuAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Admin" }).ClickAsync();
        await page.Locator("#main-nav .dropdown-menu.show").WaitForAsync();
    }

    public static async Task SignOutAsync(IPage page)
    {
        await OpenMenuAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/account/signin");
    }

    /// <summary>Fails when the page is wider than the viewport: on a phone nothing may need sideways scrolling.</summary>
    public static async Task AssertFitsTheScreenAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scrollWidth, viewport) = (widths[0], widths[1]);
        if (scrollWidth > viewport)
        {
            // Name the culprits: the deepest elements that stick out to the right.
            var culprits = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')");
            Assert.Fail($"{page.Url} is {scrollWidth}px wide on a {viewport}px screen: {string.Join(", ", culprits)}");
        }
    }
}
