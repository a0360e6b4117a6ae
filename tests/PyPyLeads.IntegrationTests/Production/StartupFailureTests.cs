using System.Net;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.IntegrationTests.Production;

/// <summary>
/// An operator's mistake stops the app, started as its own process in Production, with one line on standard error that
/// names the setting and what to do, a non-zero exit code, and no stack trace anywhere in its output.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "startup-" + Guid.NewGuid().ToString("N"));
    private readonly ThrowawayCertificate _keys;

    public StartupFailureTests() => _keys = ThrowawayCertificate.Create(Path.Combine(_folder, "keys"), "pypyleads-keys");

    [Theory]
    [InlineData("sql-server-unreachable", "SQL Server 'tcp:127.0.0.1,", "cannot be reached", "check the server and port in ConnectionStrings:SqlServer")]
    [InlineData("no-key-certificate", "DataProtection:Certificate:Path is empty: in Production the keys that sign the cookies must be stored encrypted")]
    [InlineData("missing-key-certificate", "DataProtection:Certificate: there is no certificate file", "correct DataProtection:Certificate:Path")]
    [InlineData("unreadable-key-certificate", "DataProtection:Certificate: '", "cannot be read as a certificate with its private key")]
    [InlineData("wrong-key-certificate-password", "DataProtection:Certificate: '", "cannot be read as a certificate with its private key", "DataProtection:Certificate:Password")]
    [InlineData("missing-kestrel-certificate", "Kestrel:Certificates:Default: there is no certificate file")]
    [InlineData("setting-out-of-range", "Mail:Port must be 1 to 65535 (it is 70000). Correct the setting")]
    [InlineData("setting-of-the-wrong-kind", "the setting Deals:StaleAfterDays ('a fortnight') is not a valid whole number")]
    [InlineData("http-base-url", "Site:BaseUrl 'http://leads.example.org' must be an https address")]
    [InlineData("address-in-use", "address already in use", "give another address with --urls")]
    [InlineData("data-folder-not-writable", "Data:Directory '", "point Data:Directory at a folder the app's user may write")]
    public async Task A_mistake_stops_the_start_with_one_line_naming_the_setting_and_no_stack_trace(string mistake, params string[] expected)
    {
        var settings = Working();
        Make(mistake, settings);
        using var listening = mistake == "address-in-use" ? Listen(new Uri(settings["ASPNETCORE_URLS"]).Port) : null;

        await using var app = LeadsProcess.Start("Production", settings);

        Assert.True(await app.ExitsWithinAsync(TimeSpan.FromMinutes(2)), $"Still running:\n{app.Output}");
        Assert.Equal(StartupFailures.ExitCode, app.ExitCode);
        var line = Assert.Single(app.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("PyPyLeads cannot start: ", line, StringComparison.Ordinal);
        Assert.All(expected, e => Assert.Contains(e, line, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_settings_without_a_mistake_start_and_serve_on_sqlite_without_loading_sql_servers_code()
    {
        var settings = Working();

        await using var app = LeadsProcess.Start("Production", settings);
        await app.WaitUntilRunningAsync();
        using var client = new HttpClient();
        var health = await client.GetAsync(new Uri(settings["ASPNETCORE_URLS"] + "/health"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(app.HasExited);
        Assert.Equal("", app.Error);
        // Idle memory: the SQL Server provider's assemblies are several MB resident, for nothing on SQLite.
        var mapped = await File.ReadAllTextAsync($"/proc/{app.ProcessId}/maps");
        Assert.Contains("Microsoft.Data.Sqlite.dll", mapped);
        Assert.All(new[] { "Microsoft.Data.SqlClient.dll", "Microsoft.EntityFrameworkCore.SqlServer.dll", "Hangfire.SqlServer.dll" },
            assembly => Assert.DoesNotContain(assembly, mapped));
    }

    /// <summary>What a Production start needs: a data folder, a certificate for the keys, an https base address.</summary>
    private Dictionary<string, string> Working() => new(_keys.KeySettings)
    {
        ["Data:Directory"] = Path.Combine(_folder, "data-" + Guid.NewGuid().ToString("N")),
        ["Site:BaseUrl"] = "https://leads.example.org",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}",
        ["FollowUps:ReconcileOnStart"] = "false",
    };

    private void Make(string mistake, Dictionary<string, string> settings)
    {
        switch (mistake)
        {
            case "sql-server-unreachable":
                // Nothing listens on the port: the connection is refused at once, and the timeout bounds the retries.
                settings["Database:Provider"] = "SqlServer";
                settings["ConnectionStrings:SqlServer"] = $"Server=tcp:127.0.0.1,{FreePort()};Database=pypyleads;User ID=sa;Password=not-used-here;Connect Timeout=3;Encrypt=False";
                break;
            case "no-key-certificate":
                settings.Remove("DataProtection:Certificate:Path");
                settings.Remove("DataProtection:Certificate:Password");
                break;
            case "missing-key-certificate":
                settings["DataProtection:Certificate:Path"] = Path.Combine(_folder, "no-such-certificate.pfx");
                break;
            case "unreadable-key-certificate":
                var garbage = Path.Combine(_folder, "not-a-certificate.pfx");
                File.WriteAllText(garbage, "this is not a PKCS#12 file");
                settings["DataProtection:Certificate:Path"] = garbage;
                break;
            case "wrong-key-certificate-password":
                settings["DataProtection:Certificate:Password"] = "not the password";
                break;
            case "missing-kestrel-certificate":
                settings["Kestrel:Certificates:Default:Path"] = Path.Combine(_folder, "no-such-tls-certificate.pfx");
                settings["Kestrel:Certificates:Default:Password"] = "whatever";
                break;
            case "setting-out-of-range":
                settings["Mail:Port"] = "70000";
                break;
            case "setting-of-the-wrong-kind":
                settings["Deals:StaleAfterDays"] = "a fortnight";
                break;
            case "http-base-url":
                settings["Site:BaseUrl"] = "http://leads.example.org";
                break;
            case "address-in-use":
                break; // another process listens on the app's address (Listen)
            case "data-folder-not-writable":
                // Below a file: no user, root included, can make that folder.
                var file = Path.Combine(_folder, "a-file");
                File.WriteAllText(file, "");
                settings["Data:Directory"] = Path.Combine(file, "data");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }
    }

    private static int FreePort() => AppProcess.FreePort();

    private static Listening Listen(int port)
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new Listening(listener);
    }

    private sealed class Listening(System.Net.Sockets.TcpListener listener) : IDisposable
    {
        public void Dispose() => listener.Stop();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
    }
}
