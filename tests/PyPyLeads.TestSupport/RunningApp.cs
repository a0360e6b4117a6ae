using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PyPyLeads.TestSupport;

/// <summary>
/// The app as its own process (the build output of src/PyPyLeads.Web, Production environment, a loopback port), for
/// the tests that kill it: <see cref="KillAsync"/> is <c>kill -9</c>, nothing in the app gets to run. Another start on the
/// same data folder is the restart. Disposing stops it with SIGTERM (then SIGKILL after 30 s).
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningApp(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the app wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// The app's build output, beside this test run's (the same configuration): the test projects reference the web
    /// project, so building them builds it.
    /// </summary>
    public static string AppFolder
    {
        get
        {
            // .../tests/<project>/bin/<Configuration>/<framework>/
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = here.Name;
            var configuration = here.Parent!.Name;
            var root = here;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "PyPyLeads.sln")))
            {
                root = root.Parent;
            }
            var folder = root is null ? null : Path.Combine(root.FullName, "src", "PyPyLeads.Web", "bin", configuration, framework);
            return folder is not null && File.Exists(Path.Combine(folder, "PyPyLeads.Web.dll"))
                ? folder
                : throw new InvalidOperationException($"No build of PyPyLeads.Web beside this test run ({folder}): build the solution first.");
        }
    }

    /// <summary>Starts the app on <paramref name="dataDirectory"/> with <paramref name="settings"/> (keys such as "Imports:StaleClaimSeconds") and waits for /health.</summary>
    public static async Task<RunningApp> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null)
    {
        var port = FreePort();
        var folder = AppFolder;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(folder, "PyPyLeads.Web.dll"), "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Data__Directory"] = dataDirectory;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app.");
        var app = new RunningApp(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var health = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode}:\n{app.Output}");
            }
            try
            {
                using var response = await health.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting slowly on a busy machine.
            }
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(60)))
            {
                await app.DisposeAsync();
                throw new TimeoutException($"/health did not answer 200 in time:\n{app.Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>A client with its own cookies that does not follow redirects (as <see cref="LeadsApp.Client"/>).</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>SIGKILL (kill -9): the process ends where it is, with no shutdown code run; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(); // SIGKILL on Unix
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
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
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
