using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The README's API walk-through, run as written with bash, curl and jq against the app as its own process on the tour clock.</summary>
public sealed partial class ApiReadmeTests
{
    [Fact]
    public async Task The_readmes_curl_walk_through_runs_as_written_and_does_the_four_journeys()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        var section = readme[readme.IndexOf("\n## API\n", StringComparison.Ordinal)..];
        var script = WalkThrough().Match(section).Groups[1].Value;
        Assert.Contains("/api/v1/contacts", script, StringComparison.Ordinal);

        var data = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "readme-api-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            await using var app = await AppProcess.StartAsync(AppProcess.BuildOutput, data, new Dictionary<string, string>
            {
                // The README's start command's clock.
                ["Clock:StartsAt"] = "2011-03-02T09:00:00-08:00",
                ["Hangfire:RunServer"] = "false",
            });
            using var browser = app.Client();
            await People.SetUpAsync(browser);
            var made = await browser.PostFormAsync("/settings/tokens", new Dictionary<string, string> { ["Name"] = "README", ["Scope"] = "ReadWrite", ["ExpiresInDays"] = "7" });
            Assert.Equal(HttpStatusCode.OK, made.StatusCode);
            var token = (await made.ReadPageAsync()).QuerySelector("[data-testid=token-secret]")!.TextContent.Trim();

            var (exit, output) = await BashAsync(script, new Dictionary<string, string> { ["PYPYLEADS"] = app.BaseAddress.ToString().TrimEnd('/'), ["TOKEN"] = token });

            Assert.True(exit == 0, $"exit {exit}:\n{output}");
            Assert.Contains("\"Jeremy Stoppelman\"", output, StringComparison.Ordinal);
            Assert.Contains("\"status\": \"Scheduled\"", output, StringComparison.Ordinal);
            Assert.Contains("\"stage\": \"Won\"", output, StringComparison.Ordinal);
            Assert.EndsWith("\"Done\"", output.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> BashAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-euo");
        info.ArgumentList.Add("pipefail");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var bash = Process.Start(info)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw;
        }
        return (bash.ExitCode, await output + await errors);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PyPyLeads.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("The repository's root (PyPyLeads.sln) was not found.");
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex WalkThrough();
}
