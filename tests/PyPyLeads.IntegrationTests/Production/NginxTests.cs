using System.Net;

namespace PyPyLeads.IntegrationTests.Production;

/// <summary>
/// The production topology of README "Running in production": Debian's nginx terminating TLS on the repository's site
/// configuration, in front of the app in Production on loopback, trusting nginx (127.0.0.1) as its only proxy.
/// </summary>
public sealed class NginxTests(BehindNginx site) : IClassFixture<BehindNginx>
{
    private const string Host = ProductionSite.Host;

    [NginxFact]
    public async Task Plain_http_is_redirected_to_the_same_address_over_https()
    {
        using var client = site.Client("127.0.0.3", new Uri($"http://{Host}:{site.HttpPort}/"));

        var response = await client.GetAsync("/companies?q=caf%C3%A9");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal($"https://{Host}:{site.HttpsPort}/companies?q=caf%C3%A9", response.Headers.Location!.OriginalString);
    }

    [NginxFact]
    public async Task Pages_over_https_tell_browsers_to_use_nothing_else_for_a_year()
    {
        using var client = site.Client("127.0.0.3", site.PublicAddress);

        var response = await client.GetAsync("/invite");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [NginxFact]
    public async Task Every_cookie_is_host_only_Secure_HttpOnly_and_SameSite_and_comes_back_through_nginx()
    {
        var (admin, setCookies) = await site.AdminAsync();

        Assert.Contains(setCookies, c => c.StartsWith("__Host-pypyleads=", StringComparison.Ordinal));
        Assert.All(setCookies, cookie =>
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.StartsWith("__Host-", cookie, StringComparison.Ordinal);
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("path=/", attributes);
            Assert.Contains(attributes, a => a is "samesite=lax" or "samesite=strict");
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
        });
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
    }

    [NginxFact]
    public async Task An_invitation_link_starts_with_the_public_base_url_not_the_host_nginx_forwards()
    {
        var (admin, _) = await site.AdminAsync();

        var response = await admin.PostFormAsync("/users/invite", new Dictionary<string, string>
        {
            ["DisplayName"] = "Maciej Fijałkowski",
            ["Email"] = "fijal@merlinux.eu",
            ["Role"] = "Member",
            ["ConsultancyId"] = "",
            ["TimeZoneId"] = "Europe/Berlin",
        });
        var link = (await response.ReadPageAsync()).QuerySelector("[data-testid=invitation-link]")?.TextContent;

        // nginx forwards Host without the port ($host): a link built from the request would lack it.
        Assert.StartsWith($"https://{Host}:{site.HttpsPort}/account/invitation?", link, StringComparison.Ordinal);
    }

    [NginxFact]
    public async Task A_host_name_the_site_does_not_serve_is_refused()
    {
        using var client = site.Client("127.0.0.3", new Uri($"https://evil.example.test:{site.HttpsPort}/"));

        var response = await client.GetAsync("/account/signin");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [NginxFact]
    public async Task The_rate_limits_see_the_address_nginx_saw_and_ignore_an_address_a_client_claims()
    {
        // A client at 127.0.0.7, through nginx, uses up its sign-in attempts.
        using var first = site.Client("127.0.0.7", site.PublicAddress);
        for (var i = 0; i < ProductionSite.SignInPermitsPerMinute; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await SignInAsync(first));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(first));
        Assert.True(await LoggedAsync("Rate limit hit on /account/signin from 127.0.0.7"), site.App.Output);

        // Another client through nginx counts as itself, even claiming to be the first: nginx appends what it saw.
        using var second = site.Client("127.0.0.8", site.PublicAddress);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await SignInAsync(second, claiming: "127.0.0.7"));

        // A client reaching Kestrel directly is no proxy: the header it sends is ignored, its own address counts.
        using var direct = site.Client("127.0.0.9", site.KestrelAddress);
        for (var i = 0; i < ProductionSite.SignInPermitsPerMinute; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, await SignInAsync(direct, claiming: "127.0.0.7"));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(direct, claiming: "127.0.0.10"));
        Assert.True(await LoggedAsync("Rate limit hit on /account/signin from 127.0.0.9"), site.App.Output);

        // nginx's own address is never taken for a client's.
        Assert.DoesNotContain("from 127.0.0.1\n", site.App.Output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary>A sign-in post, the kind the sign-in rate limit counts (it counts before the form is even read).</summary>
    private static async Task<HttpStatusCode> SignInAsync(HttpClient client, string? claiming = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent([new("Email", "nobody@example.org"), new("Password", "not the password at all")]),
        };
        if (claiming is not null)
        {
            request.Headers.Add("X-Forwarded-For", claiming);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<bool> LoggedAsync(string text) =>
        await Eventually.EqualAsync(true, () => Task.FromResult(site.App.Output.Contains(text, StringComparison.Ordinal)));
}

/// <summary>Kestrel serving HTTPS itself (no proxy), with the certificate from Kestrel:Certificates:Default.</summary>
public sealed class KestrelHttpsTests(KestrelAlone site) : IClassFixture<KestrelAlone>
{
    [Fact]
    public async Task Kestrel_serves_https_with_the_configured_certificate_HSTS_and_host_only_secure_cookies()
    {
        // The client trusts only the throwaway certificate: the handshake itself shows Kestrel presents it.
        using var client = site.Client("127.0.0.1", site.PublicAddress);

        var response = await client.GetAsync("/invite");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie =>
        {
            Assert.StartsWith("__Host-", cookie, StringComparison.Ordinal);
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Plain_http_is_redirected_permanently_to_https()
    {
        using var client = site.Client("127.0.0.1", site.PlainAddress);

        var response = await client.GetAsync("/companies?q=x");

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://{ProductionSite.Host}:{site.HttpsPort}/companies?q=x", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_invitation_link_starts_with_the_public_base_url()
    {
        var (admin, _) = await site.AdminAsync();

        var response = await admin.PostFormAsync("/users/invite", new Dictionary<string, string>
        {
            ["DisplayName"] = "Armin Rigo",
            ["Email"] = "arigo@merlinux.eu",
            ["Role"] = "Member",
            ["ConsultancyId"] = "",
            ["TimeZoneId"] = "Europe/Berlin",
        });
        var link = (await response.ReadPageAsync()).QuerySelector("[data-testid=invitation-link]")?.TextContent;

        Assert.StartsWith($"https://{ProductionSite.Host}:{site.HttpsPort}/account/invitation?", link, StringComparison.Ordinal);
    }
}
