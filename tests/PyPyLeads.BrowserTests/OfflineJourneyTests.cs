using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PyPyLeads.Data;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>
/// Logging contacts in a hallway with no signal, on a phone: the form kept by the service worker, contacts queued in
/// the phone's outbox and each saved once when the connection returns, whatever happens on the way. The app listens on
/// http://127.0.0.1, which Chromium counts as a secure context, so the service worker runs as it would over HTTPS.
/// </summary>
public sealed class OfflineJourneyTests(Browser browser, ITestOutputHelper output) : IClassFixture<Browser>, IDisposable
{
    // Thursday 3 March 2011, 18:30 Pacific: the Yelp talk is on.
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-03T18:30:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task Three_contacts_saved_offline_are_saved_once_each_when_the_page_is_opened_again_online()
    {
        var page = await SignedInFormAsync();
        var context = page.Context;

        await context.SetOfflineAsync(true);
        // With no signal the form still opens: the service worker's copy.
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Company name")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);
        for (var i = 1; i <= 3; i++)
        {
            await SaveContactAsync(page, $"Hallway Startup {i}", $"Person {i}");
            await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync($"Saved on this phone; it will be sent when you are online ({i} waiting)");
            await Expect(page.GetByLabel("Company name")).ToHaveValueAsync(""); // ready for the next one
        }
        await Expect(page.GetByTestId("outbox-entry")).ToHaveCountAsync(3);
        await Pages.AssertFitsTheScreenAsync(page);
        Assert.Equal(0, await CountAsync(db => db.Encounters.CountAsync()));

        // What the service worker keeps, measured for the README.
        var kept = await page.EvaluateAsync<long[]>(@"async () => {
            let bytes = 0, entries = 0;
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    const response = await cache.match(request);
                    bytes += (await response.arrayBuffer()).byteLength;
                    entries++;
                }
            }
            return [bytes, entries];
        }");
        output.WriteLine($"Cache Storage: {kept[0]:N0} bytes in {kept[1]} responses");
        Console.WriteLine($"[offline] Cache Storage: {kept[0]:N0} bytes in {kept[1]} responses");
        Assert.True(kept[0] > 0);

        // The browser closed; later, with signal, the app is opened again.
        await page.CloseAsync();
        await context.SetOfflineAsync(false);
        var again = await context.NewPageAsync();
        await again.GotoAsync("/log-contact");
        await Expect(again.GetByTestId("outbox-entry")).ToHaveCountAsync(0);
        await WaitForEmptyOutboxAsync(again);

        Assert.Equal(3, await CountAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(["Hallway Startup 1", "Hallway Startup 2", "Hallway Startup 3"],
            await CountAsync(db => db.Companies.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync()));
        Assert.Equal(3, await CountAsync(db => db.People.CountAsync()));

        // A reload sends nothing again.
        await again.ReloadAsync();
        await WaitForEmptyOutboxAsync(again);
        Assert.Equal(3, await CountAsync(db => db.Encounters.CountAsync()));

        // Signing out drops this user's kept pages.
        await Pages.SignOutAsync(again);
        Assert.False(await again.EvaluateAsync<bool>("() => caches.has('pypyleads-user-v1')"));
    }

    [ChromiumFact]
    public async Task A_connection_dropped_after_the_server_saved_the_contact_saves_nothing_twice()
    {
        var page = await SignedInFormAsync();
        var committed = new List<string>();
        var connectionBack = false;
        // The first post reaches the server, which saves the contact; its answer is then lost on the way back. The
        // tries after it are cut before the server until the test has seen what the page says.
        await page.Context.RouteAsync("**/log-contact", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.FallbackAsync();
                return;
            }
            if (committed.Count == 0)
            {
                var response = await route.FetchAsync();
                var answer = await response.TextAsync();
                lock (committed)
                {
                    committed.Add(answer);
                }
                await route.AbortAsync("connectionreset");
                return;
            }
            if (!Volatile.Read(ref connectionBack))
            {
                await route.AbortAsync("connectionreset");
                return;
            }
            await route.ContinueAsync();
        });

        await SaveContactAsync(page, "Noisebridge", "Mitch Altman");
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("Saved on this phone; it will be sent when you are online (1 waiting)");
        Assert.Contains("\"saved\"", Assert.Single(committed), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(db => db.Encounters.CountAsync()));
        Volatile.Write(ref connectionBack, true);

        // The outbox tries again by itself, with the same key: the server answers with the first result.
        await WaitForEmptyOutboxAsync(page);
        Assert.Equal(1, await CountAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(1, await CountAsync(db => db.Companies.CountAsync()));
        Assert.Contains(_app.Logs.Lines, m => m.Contains("sent again", StringComparison.Ordinal) && m.Contains("LogContact", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task A_contact_matching_an_existing_company_comes_back_as_needing_a_choice_and_is_saved_there()
    {
        var page = await SignedInFormAsync();
        await SaveContactAsync(page, "Yelp", "Maciej Fijałkowski");
        await page.WaitForURLAsync(new Regex("/companies/\\d+$"));
        var yelpUrl = page.Url;
        await page.GotoAsync("/log-contact");
        await WaitUntilAsync(page, "async () => (await (await (await caches.open('pypyleads-user-v1')).match('/log-contact/offline-data')).text()).includes('Yelp')");

        await page.Context.SetOfflineAsync(true);
        // Offline, the type-ahead offers the companies the user logged contacts at, from the phone's copy.
        await page.GetByLabel("Company name").PressSequentiallyAsync("yel");
        await Expect(page.GetByTestId("company-suggestion")).ToHaveTextAsync("Yelp");
        await SaveContactAsync(page, "yelp, inc.", "Jacob Hallén");
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("(1 waiting)");
        await page.Context.SetOfflineAsync(false);

        var entry = page.GetByTestId("outbox-entry");
        await Expect(entry).ToHaveAttributeAsync("data-state", "needs-choice");
        await Expect(entry.GetByTestId("outbox-entry-note")).ToContainTextAsync("“Yelp” is already here (same name)");
        await Pages.AssertFitsTheScreenAsync(page);
        Assert.Equal(1, await CountAsync(db => db.Companies.CountAsync()));

        // Discarding asks first: saying no keeps it.
        page.Dialog += DismissOnce;
        await entry.GetByRole(AriaRole.Button, new() { Name = "Discard" }).ClickAsync();
        await Expect(page.GetByTestId("outbox-entry")).ToHaveCountAsync(1);

        // The normal form opens with the match offered.
        await entry.GetByRole(AriaRole.Button, new() { Name = "Choose" }).ClickAsync();
        await Expect(page.GetByTestId("company-match")).ToContainTextAsync("Yelp");
        await Expect(page.GetByLabel("Their name")).ToHaveValueAsync("Jacob Hallén");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use Yelp and save" }).ClickAsync();
        await page.WaitForURLAsync(yelpUrl);
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Logged: met Jacob Hallén, new contact at the Yelp talk.");

        await WaitForEmptyOutboxAsync(page);
        Assert.Equal(1, await CountAsync(db => db.Companies.CountAsync()));
        Assert.Equal(2, await CountAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(2, await CountAsync(db => db.People.CountAsync()));
    }

    [ChromiumFact]
    public async Task Contacts_saved_while_the_sign_in_expired_are_kept_and_sent_after_signing_in_again()
    {
        var page = await SignedInFormAsync();
        await page.Context.SetOfflineAsync(true);
        await SaveContactAsync(page, "Google", "Guido");
        await SaveContactAsync(page, "Mozilla", "Brendan");
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("(2 waiting)");

        // The sign-in runs out while the phone is offline.
        await page.Context.ClearCookiesAsync();
        await page.Context.SetOfflineAsync(false);
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("You are signed out: sign in again to send the contacts saved on this phone (2 waiting)");
        await Expect(page.GetByTestId("outbox-entry")).ToHaveCountAsync(2);
        Assert.Equal(0, await CountAsync(db => db.Encounters.CountAsync()));
        // The signed-out user's copies are gone from the phone.
        Assert.False(await page.EvaluateAsync<bool>("async () => !!(await (await caches.open('pypyleads-user-v1')).match('/log-contact'))"));

        await page.GetByTestId("outbox-sign-in").ClickAsync();
        await page.GetByLabel("E-mail").FillAsync(People.AdminEmail);
        await page.GetByLabel("Password").FillAsync(People.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/log-contact");
        await WaitForEmptyOutboxAsync(page);
        Assert.Equal(2, await CountAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(["Google", "Mozilla"], await CountAsync(db => db.Companies.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync()));
    }

    [ChromiumFact]
    public async Task A_follow_up_whose_time_passed_while_the_contact_waited_is_shown_refused_not_moved()
    {
        var page = await SignedInFormAsync();
        await page.Context.SetOfflineAsync(true);
        await page.GetByLabel("Company name").FillAsync("Dropbox");
        await page.GetByLabel("Schedule a follow-up").CheckAsync();
        // Five seconds ahead on the tour clock, in the zone the form offers first.
        var zone = await page.GetByLabel("Time zone of that time").InputValueAsync();
        var now = _app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var due = PyPyLeads.Time.Zones.ToLocal(now.AddSeconds(5), zone);
        await page.GetByLabel("When").FillAsync(due.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("(1 waiting)");

        await Task.Delay(TimeSpan.FromSeconds(7));
        await page.Context.SetOfflineAsync(false);
        var entry = page.GetByTestId("outbox-entry");
        await Expect(entry).ToHaveAttributeAsync("data-state", "refused");
        await Expect(entry.GetByTestId("outbox-entry-note")).ToContainTextAsync("Follow-up: Choose a time after now");
        Assert.Equal(0, await CountAsync(db => db.FollowUps.CountAsync()));

        // Opened, the message stands beside the time; a new time saves the contact with its follow-up.
        await entry.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Expect(page.Locator("[data-valmsg-for='FollowUp.DueLocal']")).ToContainTextAsync("Choose a time after now");
        var later = PyPyLeads.Time.Zones.ToLocal(now.AddDays(2), zone);
        await page.GetByLabel("When").FillAsync(later.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/companies/\\d+$"));
        await WaitForEmptyOutboxAsync(page);
        Assert.Equal(1, await CountAsync(db => db.FollowUps.CountAsync()));
        Assert.Equal(1, await CountAsync(db => db.Encounters.CountAsync()));
    }

    [ChromiumFact]
    public async Task Twenty_contacts_queued_offline_are_all_sent_after_reconnecting()
    {
        var page = await SignedInFormAsync();
        await page.Context.SetOfflineAsync(true);
        for (var i = 1; i <= 20; i++)
        {
            await SaveContactAsync(page, $"Sprint Company {i:00}", $"Sprinter {i:00}");
            await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync($"({i} waiting)");
        }
        var clock = Stopwatch.StartNew();
        await page.Context.SetOfflineAsync(false);
        await WaitForEmptyOutboxAsync(page, TimeSpan.FromMilliseconds(50));
        clock.Stop();
        output.WriteLine($"Reconnect to empty outbox, 20 contacts: {clock.ElapsedMilliseconds} ms");
        Console.WriteLine($"[offline] Reconnect to empty outbox, 20 contacts: {clock.ElapsedMilliseconds} ms");
        Assert.Equal(20, await CountAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(20, await CountAsync(db => db.Companies.CountAsync()));
    }

    [ChromiumFact]
    public async Task Contacts_saved_by_one_account_are_never_sent_as_another_who_signs_in_on_the_same_phone()
    {
        var page = await SignedInFormAsync();
        using (var admin = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = _app.ServerAddress })
        using (var invited = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = _app.ServerAddress })
        {
            People.Expect(await People.SignInAsync(admin, People.AdminEmail, People.AdminPassword), System.Net.HttpStatusCode.Redirect);
            var invitation = await People.InviteAsync(admin, "Jacob Hallén", "jacob@openend.se", consultancyId: 1);
            People.Expect(await invited.PostFormAsync(invitation, new Dictionary<string, string> { ["Password"] = JacobPassword, ["ConfirmPassword"] = JacobPassword }, "/account/invitation"),
                System.Net.HttpStatusCode.Redirect, "/account/signin");
        }
        await page.Context.SetOfflineAsync(true);
        await SaveContactAsync(page, "Laura's lead", "Someone");
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("(1 waiting)");
        await page.Context.ClearCookiesAsync();
        await page.Context.SetOfflineAsync(false);
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("You are signed out");

        // Jacob signs in on the same phone: Laura's contact waits for her, unsent and unnamed.
        await Pages.SignInAsync(page, "jacob@openend.se", JacobPassword);
        await page.WaitForURLAsync(new Regex("/$"));
        await page.GotoAsync("/log-contact");
        await Expect(page.GetByTestId("outbox-status")).ToContainTextAsync("1 saved on this phone by another account wait for it to sign in.");
        await Expect(page.GetByTestId("outbox-entry")).ToHaveCountAsync(0);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, await CountAsync(db => db.Encounters.CountAsync()));

        // Laura again: it is sent, as hers.
        await Pages.SignOutAsync(page);
        await Pages.SignInAsync(page, People.AdminEmail, People.AdminPassword);
        await page.WaitForURLAsync(new Regex("/$"));
        await WaitForEmptyOutboxAsync(page);
        var lauraId = await CountAsync(db => db.Users.Where(u => u.Email == People.AdminEmail).Select(u => u.Id).SingleAsync());
        Assert.Equal(lauraId, await CountAsync(db => db.Encounters.Select(e => e.CreatedByUserId).SingleAsync()));
    }

    private const string JacobPassword = "a long enough password";

    private static void DismissOnce(object? sender, IDialog dialog)
    {
        ((IPage)sender!).Dialog -= DismissOnce;
        _ = dialog.DismissAsync();
    }

    /// <summary>The admin set up, on the form, once the service worker runs and keeps the form.</summary>
    private async Task<IPage> SignedInFormAsync()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        await page.GotoAsync("/log-contact");
        await WaitUntilAsync(page, @"async () => !!(await navigator.serviceWorker.getRegistration())?.active
            && !!(await (await caches.open('pypyleads-user-v1')).match('/log-contact'))
            && !!(await (await caches.open('pypyleads-user-v1')).match('/log-contact/offline-data'))");
        return page;
    }

    private static async Task SaveContactAsync(IPage page, string company, string person)
    {
        await page.GetByLabel("Company name").FillAsync(company);
        await page.GetByLabel("Their name").FillAsync(person);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the contact", Exact = true }).ClickAsync();
    }

    private static Task WaitForEmptyOutboxAsync(IPage page, TimeSpan? polling = null) => WaitUntilAsync(page, @"() => new Promise((resolve, reject) => {
            const open = indexedDB.open('pypyleads', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'key' });
            open.onsuccess = () => {
                const count = open.result.transaction('outbox').objectStore('outbox').count();
                count.onsuccess = () => { open.result.close(); resolve(count.result === 0); };
                count.onerror = () => reject(count.error);
            };
            open.onerror = () => reject(open.error);
        })", polling);

    /// <summary>
    /// Polls an async page function until it answers true (WaitForFunctionAsync takes the promise itself for the answer).
    /// </summary>
    private static async Task WaitUntilAsync(IPage page, string asyncFunction, TimeSpan? polling = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await page.EvaluateAsync<bool>(asyncFunction))
        {
            if (DateTime.UtcNow > deadline)
            {
                var seen = await page.EvaluateAsync<string>(@"async () => {
                    const reg = await navigator.serviceWorker.getRegistration();
                    const nav = performance.getEntriesByType('navigation')[0];
                    const lines = ['controller: ' + !!navigator.serviceWorker.controller, 'active: ' + (reg && reg.active && reg.active.state),
                        'installing: ' + !!(reg && reg.installing), 'waiting: ' + !!(reg && reg.waiting), 'workerStart: ' + (nav && nav.workerStart), 'type: ' + (nav && nav.type)];
                    for (const name of await caches.keys()) {
                        lines.push(name + ': ' + (await (await caches.open(name)).keys()).map(r => r.url).join(' '));
                    }
                    return lines.join('; ');
                }");
                Assert.Fail($"Still not true after 30 s: {asyncFunction}\n{page.Url}: {seen}");
            }
            await Task.Delay(polling ?? TimeSpan.FromMilliseconds(200));
        }
    }

    private async Task<T> CountAsync<T>(Func<LeadsDbContext, Task<T>> query)
    {
        using var scope = _app.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    public void Dispose() => _app.Dispose();
}
