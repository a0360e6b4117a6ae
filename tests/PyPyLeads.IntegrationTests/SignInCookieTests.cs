using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests;

/// <summary>
/// The sign-in cookie is decrypted once and then remembered (CachedTicketFormat), and Identity's security-stamp check
/// runs only when due: neither may let through a cookie the keys or the stamp would refuse.
/// </summary>
public sealed class SignInCookieTests : IDisposable
{
    private static readonly Uri Site = new("http://localhost");
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task A_changed_or_cut_sign_in_cookie_is_refused_though_the_real_one_was_just_accepted()
    {
        var (_, cookie) = await SignedInAsync();

        foreach (var forged in new[] { Changed(cookie), cookie[..^4], cookie + "AAAA", "", "%00<script>" })
        {
            var response = await WithCookie(forged).GetAsync("/");
            People.Expect(response, HttpStatusCode.Redirect);
            Assert.StartsWith("http://localhost/account/signin", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        // The real one, sent by another client, is still honoured: the forgeries did not displace it.
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(cookie).GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_remembered_cookie_gives_each_request_its_own_signed_in_person()
    {
        var (admin, cookie) = await SignedInAsync();
        await People.MemberAsync(_app, admin, "Alex Gaynor", "alex@example.org");

        // Many requests with the same two cookies, interleaved: each page names the person whose cookie it got.
        var alexCookie = await CookieOfAsync("alex@example.org", "a long enough password");
        var pages = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            (Alex: i % 2 == 1, Page: await WithCookie(i % 2 == 0 ? cookie : alexCookie).GetPageAsync("/"))));
        foreach (var (alex, page) in pages)
        {
            Assert.Equal(alex ? "Alex Gaynor" : "Laura Creighton", page.QuerySelector("[data-testid=signed-in-as]")!.TextContent.Trim());
            Assert.Equal(!alex, page.QuerySelector("a[href='/users']") is not null);
        }
    }

    [Fact]
    public async Task A_changed_security_stamp_signs_the_person_out_once_the_check_is_due()
    {
        // Due at every request here (the app's interval is Identity's 30 minutes of real time).
        _app.WithServices(s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        var (client, _) = await SignedInAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(People.AdminEmail))!);
        }

        var response = await client.GetAsync("/");
        People.Expect(response, HttpStatusCode.Redirect);
        Assert.StartsWith("http://localhost/account/signin", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_security_stamp_check_not_yet_due_leaves_the_session_alone()
    {
        var (client, _) = await SignedInAsync();
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(People.AdminEmail))!);
        }
        // Identity's documented behaviour: the change is noticed at the next check, up to 30 minutes later.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    private async Task<(HttpClient Client, string Cookie)> SignedInAsync()
    {
        var cookies = new CookieContainer();
        var client = _app.CreateDefaultClient(Site, new CookieContainerHandler(cookies));
        await People.SetUpAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        return (client, cookies.GetCookies(Site)["pypyleads"]!.Value);
    }

    private async Task<string> CookieOfAsync(string email, string password)
    {
        var cookies = new CookieContainer();
        var client = _app.CreateDefaultClient(Site, new CookieContainerHandler(cookies));
        People.Expect(await People.SignInAsync(client, email, password), HttpStatusCode.Redirect, "/");
        return cookies.GetCookies(Site)["pypyleads"]!.Value;
    }

    private HttpClient WithCookie(string value)
    {
        var client = _app.CreateDefaultClient(Site);
        client.DefaultRequestHeaders.Add("Cookie", $"pypyleads={value}");
        return client;
    }

    /// <summary>The cookie with one character in its middle replaced: the same length, a different text.</summary>
    private static string Changed(string cookie)
    {
        var middle = cookie.Length / 2;
        return cookie[..middle] + (cookie[middle] == 'A' ? 'B' : 'A') + cookie[(middle + 1)..];
    }

    public void Dispose() => _app.Dispose();
}
