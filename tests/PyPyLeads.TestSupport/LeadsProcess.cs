using System.Diagnostics;
using System.Text;

namespace PyPyLeads.TestSupport;

/// <summary>
/// The app's build output run as its own process (<c>dotnet PyPyLeads.Web.dll</c>), as an operator runs it: for what only a
/// real process shows (its exit code and console, Kestrel on its own ports, a proxy in front). Settings go in as
/// environment variables. Disposing kills it.
/// </summary>
public sealed class LeadsProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly object _gate = new();

    private LeadsProcess(Process process) => _process = process;

    /// <summary>PyPyLeads.Web.dll in the web project's build output, of the same configuration as these tests.</summary>
    public static string AppDll
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
            var root = testOutput;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "PyPyLeads.sln")))
            {
                root = root.Parent;
            }
            var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("No PyPyLeads.sln above " + AppContext.BaseDirectory),
                "src", "PyPyLeads.Web", "bin", configuration, framework, "PyPyLeads.Web.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"No {dll}: build the solution first.");
        }
    }

    /// <summary>Standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static LeadsProcess Start(string environment, IReadOnlyDictionary<string, string> settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AppDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppDll);
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["DOTNET_USE_POLLING_FILE_WATCHER"] = "1";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app.");
        var app = new LeadsProcess(process);
        process.OutputDataReceived += (_, e) => app.Append(app._output, e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(app._error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits for the process to end on its own; false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="url"/> answers at all (any status); throws with the app's output if it exits or takes too long.</summary>
    public async Task WaitUntilServingAsync(Uri url, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        using var client = new HttpClient(handler ?? new HttpClientHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}\n{Error}");
            }
            try
            {
                using var response = await client.GetAsync(url);
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < (timeout ?? TimeSpan.FromMinutes(2)))
            {
                await Task.Delay(200);
            }
            catch (TaskCanceledException) when (deadline.Elapsed < (timeout ?? TimeSpan.FromMinutes(2)))
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(StringBuilder to, string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                to.AppendLine(line);
            }
        }
    }
}
