using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Data;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>
/// Sessions that end, over HTTP: a sign-in cookie copied from a browser (a shared computer, a stolen phone's backup)
/// stops opening pages on the next request once its session ends, on every instance sharing the database.
/// </summary>
public sealed class SessionTests : IDisposable
{
    private static readonly Uri Site = new("http://localhost");
    private readonly FakeTimeProvider _sessionClock = new(DateTimeOffset.UtcNow);
    private readonly LeadsApp _app;
    private readonly List<LeadsApp> _others = [];
    private readonly SessionCommands _sessionCommands = new();

    public SessionTests() => _app = new LeadsApp().With("Hangfire:RunServer", "false").With("Sessions:IdleMinutes", "30").With("Sessions:AbsoluteHours", "2")
        .WithServices(s => s.AddSingleton(new SessionClock(_sessionClock)))
        .WithServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(_sessionCommands)));

    /// <summary>The SQL commands run on the sessions table, first word (SELECT, UPDATE...) only.</summary>
    private sealed class SessionCommands : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
            CancellationToken cancellationToken = default)
        {
            Note(command);
            return ValueTask.FromResult(result);
        }

        private void Note(DbCommand command)
        {
            if (command.CommandText.Contains("\"UserSessions\"", StringComparison.Ordinal))
            {
                Seen.Enqueue(command.CommandText.TrimStart().Split(' ', '\n')[0]);
            }
        }
    }

    /// <summary>A browser: a client with its own cookie jar.</summary>
    private sealed record Browser(HttpClient Client, CookieContainer Jar)
    {
        public string Cookie => Jar.GetCookies(Site)["pypyleads"]!.Value;
    }

    private static Browser NewBrowser(LeadsApp app)
    {
        var jar = new CookieContainer();
        return new(app.CreateDefaultClient(Site, new CookieContainerHandler(jar)), jar);
    }

    private async Task<Browser> AdminAsync()
    {
        var browser = NewBrowser(_app);
        await People.SetUpAsync(browser.Client);
        return browser;
    }

    private static async Task<Browser> SignedInAsync(LeadsApp app, string email, string password)
    {
        var browser = NewBrowser(app);
        People.Expect(await People.SignInAsync(browser.Client, email, password), HttpStatusCode.Redirect, "/");
        return browser;
    }

    /// <summary>Another client sending only <paramref name="cookie"/>: a copy of the cookie, used elsewhere.</summary>
    private static HttpClient Copy(LeadsApp app, string cookie)
    {
        var client = app.CreateDefaultClient(Site);
        client.DefaultRequestHeaders.Add("Cookie", $"pypyleads={cookie}");
        return client;
    }

    private static async Task AssertOpensAsync(HttpClient client) => Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/companies")).StatusCode);

    private static async Task AssertRefusedAsync(HttpClient client)
    {
        var response = await client.GetAsync("/companies");
        People.Expect(response, HttpStatusCode.Redirect);
        Assert.StartsWith("http://localhost/account/signin", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Posts to <paramref name="url"/> with the antiforgery token of a page the client can see, as the page's own button does.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var page = await client.GetPageAsync("/settings");
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        values.Add(new("__RequestVerificationToken", page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!));
        return await client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    private async Task<T> DbAsync<T>(LeadsApp app, Func<LeadsDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    private Task<string> UserIdAsync(string email) => DbAsync(_app, db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    [Fact]
    public async Task A_copied_cookie_is_refused_after_sign_out()
    {
        var laura = await AdminAsync();
        var copy = Copy(_app, laura.Cookie);
        await AssertOpensAsync(copy);

        People.Expect(await PostAsync(laura.Client, "/account/signout"), HttpStatusCode.Redirect);

        await AssertRefusedAsync(copy);
        await AssertRefusedAsync(laura.Client);
    }

    [Fact]
    public async Task Signing_out_everywhere_else_refuses_the_other_browsers_cookies_and_keeps_this_one()
    {
        var laptop = await AdminAsync();
        var phone = await SignedInAsync(_app, People.AdminEmail, People.AdminPassword);
        var phoneCopy = Copy(_app, phone.Cookie);
        var sessions = await laptop.Client.GetPageAsync("/settings/sessions");
        Assert.Equal(2, sessions.QuerySelectorAll("[data-testid=session]").Length);

        People.Expect(await PostAsync(laptop.Client, "/settings/sessions/end-others"), HttpStatusCode.Redirect, "/settings/sessions");

        await AssertRefusedAsync(phoneCopy);
        await AssertRefusedAsync(phone.Client);
        await AssertOpensAsync(laptop.Client);
        Assert.Single((await laptop.Client.GetPageAsync("/settings/sessions")).QuerySelectorAll("[data-testid=session]"));
    }

    [Fact]
    public async Task Ending_one_session_from_the_sessions_page_refuses_its_cookie()
    {
        var laptop = await AdminAsync();
        var phone = await SignedInAsync(_app, People.AdminEmail, People.AdminPassword);
        var page = await laptop.Client.GetPageAsync("/settings/sessions");
        var endPhone = page.QuerySelector("[data-testid=session] form")!.GetAttribute("action")!;

        People.Expect(await PostAsync(laptop.Client, endPhone), HttpStatusCode.Redirect, "/settings/sessions");

        await AssertRefusedAsync(phone.Client);
        await AssertOpensAsync(laptop.Client);
    }

    [Fact]
    public async Task A_password_change_refuses_every_cookie_from_before_it_but_the_browser_that_changed_it_stays_signed_in()
    {
        var laptop = await AdminAsync();
        var before = Copy(_app, laptop.Cookie);
        var phone = await SignedInAsync(_app, People.AdminEmail, People.AdminPassword);

        var response = await laptop.Client.PostFormAsync("/settings/password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = People.AdminPassword, ["NewPassword"] = "a brand new passphrase", ["ConfirmPassword"] = "a brand new passphrase",
        });

        People.Expect(response, HttpStatusCode.Redirect, "/settings/sessions");
        await AssertRefusedAsync(before);
        await AssertRefusedAsync(phone.Client);
        await AssertOpensAsync(laptop.Client);
        await SignedInAsync(_app, People.AdminEmail, "a brand new passphrase");
    }

    [Fact]
    public async Task A_wrong_current_password_changes_nothing_and_says_so_beside_the_field()
    {
        var laptop = await AdminAsync();

        var response = await laptop.Client.PostFormAsync("/settings/password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = "not the password at all", ["NewPassword"] = "a brand new passphrase", ["ConfirmPassword"] = "a brand new passphrase",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("This is not your current password.", (await response.ReadPageAsync()).FieldError("CurrentPassword"));
        await AssertOpensAsync(laptop.Client);
        await SignedInAsync(_app, People.AdminEmail, People.AdminPassword);
    }

    [Fact]
    public async Task A_disabled_users_cookie_is_refused_at_once_they_cannot_sign_in_and_once_enabled_they_can()
    {
        var laura = await AdminAsync();
        var alex = await People.MemberAsync(_app, laura.Client, "Alex Gaynor", "alex@example.org");
        await AssertOpensAsync(alex);
        var alexId = await UserIdAsync("alex@example.org");

        People.Expect(await PostAsync(laura.Client, $"/users/{alexId}/disable"), HttpStatusCode.Redirect, "/users");

        await AssertRefusedAsync(alex);
        var again = await People.SignInAsync(NewBrowser(_app).Client, "alex@example.org", "a long enough password");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the sign-in form again, with its error
        Assert.Equal("Disabled", (await laura.Client.GetPageAsync("/users")).QuerySelectorAll("[data-testid=user-state]").Select(e => e.TextContent).Single(t => t != "Active"));

        People.Expect(await PostAsync(laura.Client, $"/users/{alexId}/enable"), HttpStatusCode.Redirect, "/users");
        await SignedInAsync(_app, "alex@example.org", "a long enough password");
    }

    [Fact]
    public async Task A_member_cannot_end_another_users_session_nor_disable_or_enable_anyone()
    {
        var laura = await AdminAsync();
        var alex = await People.MemberAsync(_app, laura.Client, "Alex Gaynor", "alex@example.org");
        var lauraId = await UserIdAsync(People.AdminEmail);
        var lauras = await DbAsync(_app, db => db.UserSessions.Where(s => s.UserId == lauraId).Select(s => s.Id).SingleAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(alex, $"/settings/sessions/{lauras}/end")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(alex, $"/users/{lauraId}/disable")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(alex, $"/users/{lauraId}/enable")).StatusCode);

        await AssertOpensAsync(laura.Client);
        Assert.False(await DbAsync(_app, db => db.Users.AnyAsync(u => u.DisabledAtUtc != null)));
    }

    [Fact]
    public async Task An_admin_cannot_disable_themselves_from_the_users_page()
    {
        var laura = await AdminAsync();
        var lauraId = await UserIdAsync(People.AdminEmail);

        People.Expect(await PostAsync(laura.Client, $"/users/{lauraId}/disable"), HttpStatusCode.Redirect, "/users");

        Assert.Contains("cannot disable yourself", (await laura.Client.GetPageAsync("/users")).QuerySelector("[data-testid=flash-error]")!.TextContent, StringComparison.Ordinal);
        await AssertOpensAsync(laura.Client);
    }

    [Fact]
    public async Task Each_signed_in_request_reads_its_session_once_and_writes_last_seen_at_most_once_a_minute()
    {
        var laura = await AdminAsync();
        await AssertOpensAsync(laura.Client);
        _sessionCommands.Seen.Clear();

        for (var i = 0; i < 3; i++)
        {
            await AssertOpensAsync(laura.Client);
        }
        Assert.Equal(new[] { "SELECT", "SELECT", "SELECT" }, _sessionCommands.Seen);

        _sessionCommands.Seen.Clear();
        _sessionClock.Advance(TimeSpan.FromSeconds(61));
        await AssertOpensAsync(laura.Client);
        await AssertOpensAsync(laura.Client);
        Assert.Equal(new[] { "SELECT", "UPDATE", "SELECT" }, _sessionCommands.Seen);
    }

    [Fact]
    public async Task A_session_idle_for_longer_than_the_setting_is_refused()
    {
        var laura = await AdminAsync();
        _sessionClock.Advance(TimeSpan.FromMinutes(29));
        await AssertOpensAsync(laura.Client);
        _sessionClock.Advance(TimeSpan.FromMinutes(29));
        await AssertOpensAsync(laura.Client);

        _sessionClock.Advance(TimeSpan.FromMinutes(31));

        await AssertRefusedAsync(laura.Client);
        Assert.Contains(_app.Logs.Lines, l => l.Contains("Security event SessionEnded: lac@openend.se from", StringComparison.Ordinal) && l.EndsWith("(idle)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_older_than_the_absolute_lifetime_is_refused_however_busy()
    {
        var laura = await AdminAsync();
        for (var i = 0; i < 4; i++)
        {
            _sessionClock.Advance(TimeSpan.FromMinutes(29));
            await AssertOpensAsync(laura.Client);
        }

        _sessionClock.Advance(TimeSpan.FromMinutes(5));

        await AssertRefusedAsync(laura.Client);
    }

    [Fact]
    public async Task A_second_instance_on_the_same_database_refuses_the_cookie_once_the_first_ended_its_session()
    {
        var laura = await AdminAsync();
        var second = new LeadsApp().With("Hangfire:RunServer", "false").With("Data:Directory", _app.DataDirectory);
        _others.Add(second);
        var elsewhere = Copy(second, laura.Cookie);
        await AssertOpensAsync(elsewhere); // the instances share the keys and the sessions

        People.Expect(await PostAsync(laura.Client, "/account/signout"), HttpStatusCode.Redirect);

        await AssertRefusedAsync(elsewhere);
    }

    [Fact]
    public async Task The_security_stamp_check_keeps_the_session_it_refreshes()
    {
        // Due at every request: each one builds a fresh principal, which must keep its session to be accepted next time.
        _app.WithServices(s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        var laura = await AdminAsync();
        for (var i = 0; i < 3; i++)
        {
            await AssertOpensAsync(laura.Client);
        }
        var copy = Copy(_app, laura.Cookie);

        People.Expect(await PostAsync(laura.Client, "/account/signout"), HttpStatusCode.Redirect);

        await AssertRefusedAsync(copy);
    }

    [Fact]
    public async Task Sign_ins_failures_sign_outs_and_ended_sessions_are_in_the_security_log_with_user_and_address()
    {
        var laura = await AdminAsync();
        var alex = await People.MemberAsync(_app, laura.Client, "Alex Gaynor", "alex@example.org");
        var alexId = await UserIdAsync("alex@example.org");
        await People.SignInAsync(NewBrowser(_app).Client, People.AdminEmail, "not the password at all");
        People.Expect(await PostAsync(laura.Client, $"/users/{alexId}/disable"), HttpStatusCode.Redirect, "/users");
        await AssertRefusedAsync(alex);
        People.Expect(await PostAsync(laura.Client, $"/users/{alexId}/enable"), HttpStatusCode.Redirect, "/users");
        People.Expect(await PostAsync(laura.Client, "/account/signout"), HttpStatusCode.Redirect);

        var security = _app.Logs.Lines.Where(l => l.Contains(" PyPyLeads.Security: Security event ", StringComparison.Ordinal)).ToList();
        foreach (var expected in new[]
        {
            "SignedIn: lac@openend.se from ",
            "SignedIn: alex@example.org from ",
            "SignInFailed: lac@openend.se from ",
            "UserDisabled: alex@example.org from ",
            "EndedSessionRefused: alex@example.org from ",
            "UserEnabled: alex@example.org from ",
            "SignedOut: lac@openend.se from ",
        })
        {
            Assert.Contains(security, l => l.Contains("Security event " + expected, StringComparison.Ordinal));
        }
        Assert.Contains(security, l => l.Contains("UserDisabled: alex@example.org", StringComparison.Ordinal) && l.Contains("by Laura Creighton; 1 session(s) ended", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var other in _others)
        {
            other.Dispose();
        }
        _app.Dispose();
    }
}
