using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace PyPyLeads.TestSupport;

/// <summary>
/// The real app, with its real SQLite database and Hangfire storage in a fresh temporary folder.
/// Settings can be overridden per instance; <see cref="Clock"/> replaces the app clock when set.
/// </summary>
public class LeadsApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new();
    private readonly List<Action<IServiceCollection>> _configureServices = [];
    private bool _kestrel;

    /// <summary>
    /// A test run starts a hundred app hosts in one process. Each would watch its settings and static files with
    /// inotify, and Linux allows a user 128 inotify instances: past that, hosts fail to start. Tests change no
    /// file under a running host, so polling (which costs nothing until asked) and no config reload are enough.
    /// </summary>
    static LeadsApp()
    {
        System.Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
        System.Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    public LeadsApp()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "pypyleads-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings["Data:Directory"] = DataDirectory;
        // Tests exercise the sign-in rate limit explicitly; other tests sign in often from 127.0.0.1.
        _settings["SignIn:PermitsPerMinute"] = "1000";
    }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "pypyleads.db");

    public TimeProvider? Clock { get; set; }

    /// <summary>
    /// Testing: as Production, but over plain HTTP with plain cookie names and no certificate for the keys, as the
    /// in-memory test server and the browser tests on a loopback port need (PublicSite.IsDeployment).
    /// </summary>
    public string Environment { get; set; } = "Testing";

    /// <summary>Everything the app logs at Information and above.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Extra service registrations, applied after the app's own.</summary>
    public Action<IServiceCollection>? ExtraServices { get; set; }

    public LeadsApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Replaces or adds services after the app's own (for a test double of a feature that has not landed).</summary>
    public LeadsApp WithServices(Action<IServiceCollection> configure)
    {
        _configureServices.Add(configure);
        return this;
    }

    /// <summary>Serves on a real loopback port (for the browser) instead of the in-memory test server.</summary>
    public LeadsApp OnLoopback()
    {
        _kestrel = true;
        UseKestrel(0);
        return this;
    }

    /// <summary>The loopback address the app listens on; starts it if needed.</summary>
    public Uri ServerAddress
    {
        get
        {
            if (!_kestrel)
            {
                throw new InvalidOperationException("Call OnLoopback() first.");
            }
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
            SetupCodes.Remember(uri, DataFolderInUse);
            return uri;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_kestrel)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            ExtraServices?.Invoke(services);
            if (Clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(Clock);
            }
            foreach (var configure in _configureServices)
            {
                configure(services);
            }
        });
    }

    /// <summary>The data folder the app uses (a test may point Data:Directory elsewhere), where it writes its set-up code.</summary>
    /// <remarks>From the settings, not the running host: a factory made by WithWebHostBuilder shares them but not the host.</remarks>
    public string DataFolderInUse => Path.GetFullPath(_settings["Data:Directory"] ?? DataDirectory);

    /// <summary>Every client of the app, however made, knows where the app's set-up code is (<see cref="SetupCodes"/>).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        SetupCodes.Remember(client, DataFolderInUse);
    }

    /// <summary>A client that does not follow redirects, so tests see them.</summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>
    /// A client on the loopback port (<see cref="OnLoopback"/>) whose connections leave from <paramref name="localAddress"/>
    /// (any of 127.0.0.0/8), so the app sees a client of that address; it keeps cookies and does not follow redirects.
    /// </summary>
    public HttpClient ClientFrom(string localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
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
        };
        return new HttpClient(handler) { BaseAddress = ServerAddress };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a stopping Hangfire worker; the temp folder is cleaned by the OS.
            }
        }
    }
}
