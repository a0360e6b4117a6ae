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
    public static string AppDll => Path.Combine(AppProcess.BuildOutput, "PyPyLeads.Web.dll");

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

    public int ProcessId => _process.Id;

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

    /// <summary>
    /// Waits until the app logs that it is running (its own line, so an address another process answers on cannot
    /// fool it); throws with the app's output if it exits or takes longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilRunningAsync(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains("PyPyLeads is running at ", StringComparison.Ordinal))
        {
            if (_process.HasExited || deadline.Elapsed > (timeout ?? TimeSpan.FromMinutes(2)))
            {
                throw new InvalidOperationException($"The app {(_process.HasExited ? $"exited with {_process.ExitCode}" : "did not start")}:\n{Output}\n{Error}");
            }
            await Task.Delay(100);
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
