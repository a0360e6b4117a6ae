using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PyPyLeads.Site;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>The <c>Proxy</c> settings: who may tell the app the client's address and scheme.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>Addresses of the reverse proxies in front of the app, separated by <c>;</c> (e.g. <c>127.0.0.1</c> for nginx on the same host).</summary>
    public string? KnownProxies { get; set; }

    /// <summary>Networks the proxies are in, as CIDR, separated by <c>;</c> (e.g. <c>10.0.0.0/24</c>).</summary>
    public string? KnownNetworks { get; set; }

    // Methods, not properties: the configuration binder would read a property while binding, before the check.
    public IEnumerable<IPAddress> Proxies() => Split(KnownProxies).Select(IPAddress.Parse);

    public IEnumerable<System.Net.IPNetwork> Networks() => Split(KnownNetworks).Select(n => System.Net.IPNetwork.Parse(n));

    /// <summary>With none, forwarded headers are ignored: the connection's own address and scheme count.</summary>
    public bool TrustsAny => Split(KnownProxies).Any() || Split(KnownNetworks).Any();

    public IEnumerable<string> Problems()
    {
        foreach (var proxy in Split(KnownProxies).Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return $"Proxy:KnownProxies: '{proxy}' is not an IP address (e.g. 127.0.0.1).";
        }
        foreach (var network in Split(KnownNetworks).Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return $"Proxy:KnownNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/24).";
        }
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// How the app meets the internet (README, "Running in production"). Development and Testing serve plain HTTP with
/// plain cookie names; every other environment serves HTTPS only: HSTS, a redirect from HTTP, and every cookie
/// <c>Secure</c> with the <c>__Host-</c> prefix (so no sibling domain or plain-HTTP page can set or overwrite it).
/// Absolute links come from <c>Site:BaseUrl</c>; the client's address and scheme from forwarded headers only when the
/// connection comes from a proxy named in the <c>Proxy</c> settings.
/// </summary>
public static class PublicSite
{
    /// <summary>The environment the test suite runs the app in: as Production, but over plain HTTP.</summary>
    public const string TestingEnvironment = "Testing";

    public const string HostPrefix = "__Host-";

    /// <summary>
    /// Every environment but Development and Testing is a deployment people reach over a network: it serves HTTPS
    /// only and keeps its keys encrypted (<see cref="KeysAtRest"/>).
    /// </summary>
    public static bool IsDeployment(IHostEnvironment environment) =>
        !environment.IsDevelopment() && !environment.IsEnvironment(TestingEnvironment);

    public static IServiceCollection AddPublicSite(this IServiceCollection services, IHostEnvironment environment)
    {
        var httpsOnly = IsDeployment(environment);
        services.AddSettings<SiteOptions>(SiteOptions.Section, o => o.Problems(httpsOnly));
        services.AddSingleton<PublicLinks>();

        services.AddSettings<ProxyOptions>(ProxyOptions.Section, o => o.Problems());
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((options, proxy) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies configured: the defaults (loopback) would trust any local process.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in proxy.Value.Proxies())
            {
                options.KnownProxies.Add(address);
            }
            foreach (var network in proxy.Value.Networks())
            {
                options.KnownIPNetworks.Add(network);
            }
        });

        if (httpsOnly)
        {
            services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
            services.AddHttpsRedirection(o => o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect);
            // Every cookie the app sets; the names are given where each is set up, the prefix here.
            services.PostConfigureAll<CookieAuthenticationOptions>(o => Harden(o.Cookie));
            services.PostConfigure<AntiforgeryOptions>(o => Harden(o.Cookie));
            services.PostConfigure<CookieTempDataProviderOptions>(o => Harden(o.Cookie));
        }
        return services;
    }

    /// <summary>First in the pipeline: the client's address and scheme as a configured proxy gives them.</summary>
    public static IApplicationBuilder UseForwardedHeadersFromProxies(this WebApplication app)
    {
        // ForwardedHeadersMiddleware with no known proxy trusts everyone, so with none configured it is left out.
        return app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.TrustsAny ? app.UseForwardedHeaders() : app;
    }

    /// <summary>HSTS, the redirect to HTTPS and <c>Secure</c> on every cookie, outside Development and Testing.</summary>
    public static IApplicationBuilder UseHttpsOnly(this WebApplication app)
    {
        if (!IsDeployment(app.Environment))
        {
            return app;
        }
        app.UseHsts();
        app.UseHttpsRedirection();
        // Secure by policy rather than per cookie: antiforgery with SecurePolicy Always throws on every request Kestrel
        // sees as plain HTTP (a proxy not listed in Proxy:KnownProxies, the benchmarks on loopback) instead of answering.
        return app.UseCookiePolicy(new CookiePolicyOptions
        {
            Secure = CookieSecurePolicy.Always,
            HttpOnly = HttpOnlyPolicy.Always,
            MinimumSameSitePolicy = SameSiteMode.Lax,
        });
    }

    private static void Harden(CookieBuilder cookie)
    {
        if (cookie.Name is { } name && !name.StartsWith(HostPrefix, StringComparison.Ordinal))
        {
            cookie.Name = HostPrefix + name;
        }
        // __Host- cookies must have Path=/ and no Domain, or browsers drop them.
        cookie.Path = "/";
        cookie.Domain = null;
    }
}

public static class PublicLinksExtensions
{
    /// <summary>The absolute public address of a path from <c>Url.Action</c>: <c>Site:BaseUrl</c>, never the request's Host.</summary>
    public static string Public(this IUrlHelper url, string? path) =>
        url.ActionContext.HttpContext.RequestServices.GetRequiredService<PublicLinks>().To(path ?? throw new InvalidOperationException("No route to link to."));
}
