using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace PyPyLeads.IntegrationTests.Production;

/// <summary>
/// The app as its own process in Production, on a throwaway certificate, reached at <see cref="Host"/> (resolved to
/// loopback by the clients here), and what a test needs to talk to it as a browser and as an attacker would.
/// </summary>
public abstract class ProductionSite : IAsyncLifetime
{
    public const string Host = "leads.example.test";

    protected ProductionSite()
    {
        Directory.CreateDirectory(Folder);
        Tls = ThrowawayCertificate.Create(Path.Combine(Folder, "tls"), Host, "tls");
        Keys = ThrowawayCertificate.Create(Path.Combine(Folder, "keys"), "pypyleads-keys", "keys");
    }

    /// <summary>Not created by Directory.CreateTempSubdirectory (mode 700): nginx's workers run as another user.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "site-" + Guid.NewGuid().ToString("N"));

    public ThrowawayCertificate Tls { get; }

    public ThrowawayCertificate Keys { get; }

    public LeadsProcess App { get; protected set; } = null!;

    /// <summary>Where people open the app (Site:BaseUrl).</summary>
    public abstract Uri PublicAddress { get; }

    /// <summary>The settings every Production start here shares.</summary>
    protected Dictionary<string, string> Settings(string urls) => new(Keys.KeySettings)
    {
        ["ASPNETCORE_URLS"] = urls,
        ["Data:Directory"] = Path.Combine(Folder, "data"),
        ["Site:BaseUrl"] = PublicAddress.ToString().TrimEnd('/'),
        ["AllowedHosts"] = Host,
        ["SignIn:PermitsPerMinute"] = SignInPermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FollowUps:ReconcileOnStart"] = "false",
        // These tests are about the proxy and TLS; two-factor sign-in, required for admins in Production, has its own.
        ["TwoFactor:RequiredForAdmins"] = "false",
    };

    public const int SignInPermitsPerMinute = 3;

    /// <summary>
    /// A client whose connections leave from <paramref name="localAddress"/> (any of 127.0.0.0/8) to loopback, whatever
    /// host the address names; it trusts only the throwaway certificate, and sees redirects and cookies as they come.
    /// </summary>
    public HttpClient Client(string localAddress, Uri baseAddress, CookieContainer? cookies = null, List<string>? setCookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == Tls.Thumbprint,
            },
        };
        return new HttpClient(setCookies is null ? handler : new RecordSetCookies(setCookies) { InnerHandler = handler }) { BaseAddress = baseAddress };
    }

    private Task<(HttpClient Client, List<string> SetCookies)>? _admin;

    /// <summary>The first admin, set up through the public address; every Set-Cookie header the set-up brought, as sent.</summary>
    public Task<(HttpClient Client, List<string> SetCookies)> AdminAsync() => _admin ??= SetUpAdminAsync();

    private async Task<(HttpClient Client, List<string> SetCookies)> SetUpAdminAsync()
    {
        var setCookies = new List<string>();
        // Not from 127.0.0.1, nginx's own address, which the tests check the app never takes for a client's.
        var client = Client("127.0.0.2", PublicAddress, new CookieContainer(), setCookies);
        await People.SetUpAsync(client, SetupCodes.Read(Path.Combine(Folder, "data")));
        return (client, setCookies);
    }

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
            // nginx's workers' temp folders.
        }
    }

    public static int FreePort() => AppProcess.FreePort();

    /// <summary>Every Set-Cookie header as it arrived, before the cookie container interprets it.</summary>
    private sealed class RecordSetCookies(List<string> seen) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                lock (seen)
                {
                    seen.AddRange(values);
                }
            }
            return response;
        }
    }
}

/// <summary>Debian's nginx in front of the app, on the configuration the README gives (one file in the repository).</summary>
public sealed class BehindNginx : ProductionSite
{
    public const string NginxPath = "/usr/sbin/nginx";

    /// <summary>The repository's nginx site, which README "Running in production" points to.</summary>
    public const string SiteConfiguration = "src/PyPyLeads.Web/deploy/nginx/pypyleads.conf";

    private Process? _nginx;

    public int HttpPort { get; } = FreePort();

    public int HttpsPort { get; } = FreePort();

    public int AppPort { get; } = FreePort();

    public override Uri PublicAddress => new($"https://{Host}:{HttpsPort}/");

    /// <summary>Kestrel itself, as a client that bypasses nginx would reach it.</summary>
    public Uri KestrelAddress => new($"http://{Host}:{AppPort}/");

    public override async Task InitializeAsync()
    {
        if (!File.Exists(NginxPath))
        {
            return; // the tests skip themselves (NginxFact), or fail in CI
        }
        var settings = Settings($"http://127.0.0.1:{AppPort}");
        settings["Proxy:KnownProxies"] = "127.0.0.1";
        App = LeadsProcess.Start("Production", settings);

        var prefix = Path.Combine(Folder, "nginx");
        Directory.CreateDirectory(prefix);
        await File.WriteAllTextAsync(Path.Combine(prefix, "pypyleads.conf"), Site());
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                include {{prefix}}/pypyleads.conf;
            }
            """);
        var info = new ProcessStartInfo(NginxPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", prefix, "-e", Path.Combine(prefix, "error.log"), "-c", Path.Combine(prefix, "nginx.conf"), "-g", "daemon off;" })
        {
            info.ArgumentList.Add(arg);
        }
        _nginx = Process.Start(info) ?? throw new InvalidOperationException("Could not start nginx.");

        using var probe = Client("127.0.0.1", PublicAddress);
        await App.WaitUntilRunningAsync();
        for (var tries = 0; ; tries++)
        {
            if (_nginx.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_nginx.ExitCode}: {await _nginx.StandardError.ReadToEndAsync()}");
            }
            try
            {
                using var response = await probe.GetAsync("/health");
                break;
            }
            catch (HttpRequestException) when (tries < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The repository's site file, with only ports, names and certificate paths put in for this test.</summary>
    private string Site()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "PyPyLeads.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No PyPyLeads.sln above the tests.");
        }
        var site = File.ReadAllText(Path.Combine(root.FullName, SiteConfiguration));
        // Each replacement must find its text, or the README's configuration has drifted from what this test runs.
        foreach (var (from, to, times) in new[]
        {
            ("listen 80;", $"listen 127.0.0.1:{HttpPort};", 1),
            ("listen 443 ssl;", $"listen 127.0.0.1:{HttpsPort} ssl;", 1),
            // The test listens on IPv4 loopback only: a machine running it may have no IPv6.
            ("listen [::]:80;", "", 1),
            ("listen [::]:443 ssl;", "", 1),
            ("server_name leads.example.org;", $"server_name {Host};", 2),
            ("return 301 https://$host$request_uri;", $"return 301 https://$host:{HttpsPort}$request_uri;", 1),
            ("/etc/ssl/pypyleads/fullchain.pem", Tls.CertificatePemPath, 1),
            ("/etc/ssl/pypyleads/privkey.pem", Tls.KeyPemPath, 1),
            ("proxy_pass http://127.0.0.1:5080;", $"proxy_pass http://127.0.0.1:{AppPort};", 1),
        })
        {
            var found = (site.Length - site.Replace(from, "", StringComparison.Ordinal).Length) / from.Length;
            if (found != times)
            {
                throw new InvalidOperationException($"{SiteConfiguration} has '{from}' {found} times, not {times}.");
            }
            site = site.Replace(from, to, StringComparison.Ordinal);
        }
        return site;
    }

    public override async Task DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            // The whole tree: killing the master alone leaves its worker running.
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }
        _nginx?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Kestrel serving HTTPS itself, with the certificate from Kestrel:Certificates:Default, and HTTP beside it.</summary>
public sealed class KestrelAlone : ProductionSite
{
    public int HttpPort { get; } = FreePort();

    public int HttpsPort { get; } = FreePort();

    public override Uri PublicAddress => new($"https://{Host}:{HttpsPort}/");

    public Uri PlainAddress => new($"http://{Host}:{HttpPort}/");

    public override async Task InitializeAsync()
    {
        var settings = Settings($"http://127.0.0.1:{HttpPort};https://127.0.0.1:{HttpsPort}");
        settings["Kestrel:Certificates:Default:Path"] = Tls.PfxPath;
        settings["Kestrel:Certificates:Default:Password"] = Tls.Password;
        App = LeadsProcess.Start("Production", settings);
        await App.WaitUntilRunningAsync();
    }
}

/// <summary>
/// A test that needs Debian's nginx. Where it is missing the test is skipped with a message saying how to install it;
/// in CI (CI=true) it never skips, so a missing nginx fails the run instead of hiding it.
/// </summary>
public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (!File.Exists(BehindNginx.NginxPath) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"No nginx at {BehindNginx.NginxPath}: run 'apt-get install -y nginx' (CI installs it).";
        }
    }
}
