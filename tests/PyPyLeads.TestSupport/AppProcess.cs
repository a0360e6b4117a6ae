using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PyPyLeads.TestSupport;

/// <summary>
/// PyPyLeads.Web as its own process (<c>dotnet PyPyLeads.Web.dll</c>, Production environment, a loopback port, optionally
/// pinned to one core with taskset): the benchmarks start the app published as for production (so the load generator
/// never shares its core), the fault tests the build output, which they can kill as a crash would. Disposing stops it
/// as a service manager would (SIGTERM).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    // Each line with the wall-clock time (UTC) this process read it.
    private readonly List<(DateTime At, string Text)> _lines = [];
    private readonly object _gate = new();
    private bool _disposed;

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>From Process.Start to the first 200 from /health.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>The app's CPU time (all its threads) when /health first answered 200.</summary>
    public TimeSpan CpuWhenStarted { get; private set; }

    /// <summary>
    /// The app's build output (<c>src/PyPyLeads.Web/bin/&lt;configuration&gt;/&lt;framework&gt;</c>, built with the tests,
    /// which reference it), in the configuration and framework of the tests running now.
    /// </summary>
    public static string BuildOutput
    {
        get
        {
            var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var (framework, configuration) = (tests.Name, tests.Parent!.Name);
            for (var folder = tests; folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "PyPyLeads.sln")))
                {
                    var app = Path.Combine(folder.FullName, "src", "PyPyLeads.Web", "bin", configuration, framework);
                    return File.Exists(Path.Combine(app, "PyPyLeads.Web.dll"))
                        ? app
                        : throw new InvalidOperationException($"No PyPyLeads.Web.dll in {app}: build the solution first.");
                }
            }
            throw new InvalidOperationException($"{AppContext.BaseDirectory} is not inside a PyPyLeads checkout.");
        }
    }

    /// <summary>
    /// The runtime's environment for a process pinned to one core, as README "Running in production" gives it. On one
    /// processor .NET waits ten times longer (1 s instead of 100 ms) for start-up activity to calm down before it
    /// recompiles hot methods optimised, and every method the app's background jobs call for the first time restarts
    /// that wait: the company list served 300 requests/s for minutes after start, and 950 once recompiled. Set for the
    /// baseline as well, so both run their optimised code.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeSettings = new Dictionary<string, string>
    {
        ["DOTNET_TC_DelaySingleProcMultiplier"] = "1",
    };

    /// <summary>Lines the app wrote to stdout/stderr so far.</summary>
    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Concat(_lines.Select(l => l.Text + "\n"));
            }
        }
    }

    /// <summary>
    /// The same lines, each after the wall-clock time (UTC) this process read it, so that a slow run in the results can be
    /// matched to what the app logged then (the app's own console lines carry no time).
    /// </summary>
    public string StampedOutput
    {
        get
        {
            lock (_gate)
            {
                return string.Concat(_lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.At:HH:mm:ss.fff} {l.Text}\n")));
            }
        }
    }

    private static ThrowawayCertificate KeysCertificate =>
        ThrowawayCertificate.KeptIn(Path.Combine(Path.GetTempPath(), "pypyleads-benchmark-keys"), "pypyleads-keys", "pypyleads-benchmarks");

    /// <summary>
    /// Starts the app in <paramref name="appFolder"/> on <paramref name="dataDirectory"/> with <paramref name="settings"/>
    /// (configuration keys such as "Clock:StartsAt"), pinned to <paramref name="core"/> if given, and waits for /health
    /// to answer 200.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string appFolder, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, int? core = null, TimeSpan? timeout = null)
    {
        var port = FreePort();
        var command = new List<string> { "dotnet", Path.Combine(appFolder, "PyPyLeads.Web.dll"), "--urls", $"http://127.0.0.1:{port}" };
        if (core is { } pinned)
        {
            // exec form: taskset replaces itself with dotnet, so the pid is the app's.
            command.InsertRange(0, ["taskset", "-c", pinned.ToString(CultureInfo.InvariantCulture)]);
        }
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in RuntimeSettings)
        {
            info.Environment[key] = value;
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Data__Directory"] = dataDirectory;
        // What Production requires: the keys encrypted with a certificate (one for every run on this machine, so a
        // start on data an earlier run made can read its keys) and an https public address (only in links). The
        // harness talks plain HTTP to the app, as nginx does (Harness.Client).
        foreach (var (key, value) in KeysCertificate.KeySettings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        info.Environment["Site__BaseUrl"] = "https://localhost";
        // The benchmarks and fault tests drive the admin's pages as a script; two-factor sign-in has its own tests.
        info.Environment["TwoFactor__RequiredForAdmins"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var health = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        SetupCodes.Remember(baseAddress, dataDirectory);
        var watch = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app.");
        var app = new AppProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = timeout ?? TimeSpan.FromMinutes(2);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode}:\n{app.Output}");
            }
            try
            {
                using var response = await health.GetAsync(new Uri(baseAddress, "health"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    app.StartedIn = watch.Elapsed;
                    app.CpuWhenStarted = app.CpuTime();
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (watch.Elapsed > deadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"/health did not answer 200 within {deadline}:\n{app.Output}");
            }
            await Task.Delay(5);
        }
    }

    /// <summary>A client of the app that keeps its cookies and does not follow redirects (as <see cref="LeadsApp.Client"/>); see <see cref="Client(Uri, CookieContainer?)"/>.</summary>
    public HttpClient Client() => Client(BaseAddress);

    /// <summary>
    /// An HttpClient keeping cookies and seeing redirects, as the test suite's. The app runs as Production, where every
    /// cookie is Secure (a browser sends it over HTTPS only); the harness talks plain HTTP on loopback, as nginx does,
    /// so it keeps and sends cookies as for the https form of the address.
    /// </summary>
    public static HttpClient Client(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new SecureCookiesOverLoopback(cookies ?? new CookieContainer())
        {
            InnerHandler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false },
        }) { BaseAddress = baseAddress };

    /// <summary>The Cookie header a load generator sends to <paramref name="baseAddress"/> (see <see cref="Client"/>).</summary>
    public static string CookieHeader(CookieContainer cookies, Uri baseAddress) => cookies.GetCookieHeader(AsHttps(baseAddress));

    private static Uri AsHttps(Uri address) => new UriBuilder(address) { Scheme = Uri.UriSchemeHttps, Port = address.Port }.Uri;

    private sealed class SecureCookiesOverLoopback(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var address = AsHttps(request.RequestUri!);
            if (cookies.GetCookieHeader(address) is { Length: > 0 } header)
            {
                request.Headers.Add("Cookie", header);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    try
                    {
                        cookies.SetCookies(address, value);
                    }
                    catch (CookieException)
                    {
                        // As HttpClientHandler does: a cookie the container cannot take is left out.
                    }
                }
            }
            return response;
        }
    }

    /// <summary>Resident memory (VmRSS) of the app process, the working set as Linux counts it.</summary>
    public long WorkingSetBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("No VmRSS for the app process.");
    }

    /// <summary>
    /// Waits until the app has used under 5 % of its core for <paramref name="quiet"/>, at most <paramref name="limit"/>;
    /// returns how long that took. Start-up work runs in the background after /health answers: the reconciler, and on a
    /// copy of the generated data the nightly backup that Hangfire finds missed (a copy and an integrity check of the
    /// whole database, seconds of CPU on the app's only core). Pages measured meanwhile measure that, not the page.
    /// </summary>
    public async Task<TimeSpan> WaitUntilSettledAsync(TimeSpan quiet, TimeSpan limit)
    {
        var step = TimeSpan.FromMilliseconds(250);
        var window = new Queue<TimeSpan>();
        var watch = Stopwatch.StartNew();
        window.Enqueue(CpuTime());
        while (watch.Elapsed < limit)
        {
            await Task.Delay(step);
            window.Enqueue(CpuTime());
            if (window.Count > quiet / step + 1)
            {
                window.Dequeue();
            }
            if (window.Count > quiet / step && (window.Last() - window.Peek()) < quiet * 0.05)
            {
                return watch.Elapsed;
            }
        }
        return watch.Elapsed;
    }

    /// <summary>Total CPU time the app process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The lines written after line <paramref name="from"/> (see <see cref="LineCount"/>).</summary>
    public IReadOnlyList<string> LinesSince(int from)
    {
        lock (_gate)
        {
            return _lines.Skip(from).Select(l => l.Text).Where(l => l.Length > 0).ToList();
        }
    }

    /// <summary>Kills the app as a crash would (<c>kill -9</c>: no shutdown, no flush, nothing in flight finished) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            // On Linux, Process.Kill sends SIGKILL.
            _process.Kill();
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            // SIGTERM first: the app stops its Hangfire server and flushes SQLite cleanly.
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _lines.Add((DateTime.UtcNow, line));
        }
    }

    /// <summary>
    /// A loopback port nothing listens on now, and never handed out before in this process (the OS may hand the
    /// same free port to two callers that each let go of it).
    /// </summary>
    public static int FreePort()
    {
        lock (GivenPorts)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (GivenPorts.Add(port))
                {
                    return port;
                }
            }
        }
    }

    private static readonly HashSet<int> GivenPorts = [];
}
