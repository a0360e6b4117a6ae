using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>A mistake in the set-up that stops the start; the message names the setting and what to do.</summary>
public sealed class StartupProblem(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An operator's mistake stops the app with one line on standard error that names the setting and what to do, and
/// exit code 1, never a stack trace. The known mistakes are checked before anything starts (settings, the data
/// folder, certificates, the database), so no library has logged a stack trace of its own by then.
/// </summary>
public static partial class StartupFailures
{
    public const int ExitCode = 1;

    /// <summary>
    /// Runs the start-up (or the restore command) and returns its exit code; a failure becomes one line and
    /// <see cref="ExitCode"/>. When the app is not the process itself (the test host, EF's tools) the exception goes
    /// to that caller instead, which reads it.
    /// </summary>
    public static async Task<int> GuardAsync(Func<Task<int>> start, TextWriter error)
    {
        try
        {
            return await start();
        }
        catch (Exception ex) when (ex is not HostAbortedException && Assembly.GetEntryAssembly() == typeof(StartupFailures).Assembly)
        {
            await error.WriteLineAsync("PyPyLeads cannot start: " + OneLine(Explain(ex)));
            return ExitCode;
        }
    }

    /// <summary>
    /// Until the app has started, the host's own error log (a stack trace, for a failure this class explains in one
    /// line, such as a port already in use) is left out; from then on it is logged as usual.
    /// </summary>
    public static void QuietHostUntilStarted(this WebApplicationBuilder builder, Func<bool> started) =>
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level < LogLevel.Error || started());

    /// <summary>The settings checked now rather than when the host starts, where the host would log a stack trace first.</summary>
    public static void CheckSettings(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    public static string Explain(Exception ex) => ex switch
    {
        StartupProblem problem => problem.Message,
        OptionsValidationException invalid => Settings(invalid.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            Settings(aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Explain(aggregate.InnerExceptions[0]),
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } =>
            $"{ex.Message} Stop the process that listens there, or give another address with --urls (or ASPNETCORE_URLS).",
        InvalidOperationException when UnconvertibleSetting().Match(ex.Message) is { Success: true } match =>
            $"the setting {match.Groups["key"].Value}{(match.Groups["value"].Success ? $" ('{match.Groups["value"].Value}')" : "")} is not a valid "
            + $"{Friendly(match.Groups["type"].Value)}: correct it in appsettings.json, " +
            "the environment or the command line.",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>
    /// The data folder exists and this user may write there (a folder the process cannot write fails later, in the
    /// middle of a backup or a mail, otherwise).
    /// </summary>
    public static void CheckWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupProblem($"Data:Directory '{folder}' cannot be written ({ex.Message}): point Data:Directory at a folder "
                + "the app's user may write, or give that user write access to it.", ex);
        }
    }

    /// <summary>
    /// Loads a certificate with its private key, from a PKCS#12 file (.pfx) or, with a key file, PEM. <paramref name="setting"/>
    /// is the settings prefix (e.g. <c>DataProtection:Certificate</c>), named in the message when it cannot.
    /// </summary>
    public static X509Certificate2 LoadCertificate(string setting, string path, string? password, string? keyPath = null)
    {
        var hint = $"correct {setting}:Path{(keyPath is null ? $" and {setting}:Password" : $", {setting}:KeyPath and {setting}:Password")} " +
            "(README, \"Running in production\", says how to make one with openssl).";
        foreach (var file in keyPath is null ? new[] { path } : new[] { path, keyPath })
        {
            if (!File.Exists(file))
            {
                throw new StartupProblem($"{setting}: there is no certificate file '{file}': {hint}");
            }
        }
        X509Certificate2 certificate;
        try
        {
            certificate = keyPath is null
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or UnauthorizedAccessException or IOException or ArgumentException)
        {
            throw new StartupProblem($"{setting}: '{path}' cannot be read as a certificate with its private key ({ex.Message}): {hint}", ex);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new StartupProblem($"{setting}: '{path}' holds no private key, which the app needs: {hint}");
        }
        return certificate;
    }

    /// <summary>
    /// Kestrel's own HTTPS certificates (<c>Kestrel:Certificates:Default</c> and each endpoint's), loaded once here to
    /// find a mistake before Kestrel does it in the middle of starting.
    /// </summary>
    public static void CheckKestrelCertificates(IConfiguration configuration)
    {
        var sections = new List<(string Setting, IConfigurationSection Section)> { ("Kestrel:Certificates:Default", configuration.GetSection("Kestrel:Certificates:Default")) };
        sections.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => ($"Kestrel:Endpoints:{e.Key}:Certificate", e.GetSection("Certificate"))));
        foreach (var (setting, section) in sections)
        {
            if (section["Path"] is { Length: > 0 } path)
            {
                LoadCertificate(setting, path, section["Password"], section["KeyPath"] is { Length: > 0 } keyPath ? keyPath : null).Dispose();
            }
        }
    }

    /// <summary>Opens one connection to the database, so that a wrong server or login stops the start with one line.</summary>
    public static async Task CheckDatabaseAsync(DatabaseConnection database, CancellationToken cancellationToken = default)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false };
            try
            {
                await using var connection = new SqliteConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
            }
            catch (SqliteException ex)
            {
                throw new StartupProblem($"the SQLite database '{builder.DataSource}' cannot be opened ({ex.Message}): check ConnectionStrings:Sqlite "
                    + "(empty means pypyleads.db in Data:Directory) and that the app's user may write that file and its folder.", ex);
            }
            return;
        }
        await CheckSqlServerAsync(database, cancellationToken);
    }

    // Its own method: SQLite starts (the default) then never load SqlClient, about 4 MB of resident memory.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task CheckSqlServerAsync(DatabaseConnection database, CancellationToken cancellationToken)
    {
        var server = new SqlConnectionStringBuilder(database.ConnectionString).DataSource;
        try
        {
            await using var connection = new SqlConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (SqlException ex) when (ex.Number == CannotOpenDatabase)
        {
            // The server answered and took the login; the database is missing, and the migrations create it.
        }
        catch (SqlException ex) when (ex.Number == LoginFailed)
        {
            throw new StartupProblem($"SQL Server '{server}' refused the login ({ex.Message}): check User ID and Password (or Integrated Security) "
                + "in ConnectionStrings:SqlServer, and that this login exists on the server.", ex);
        }
        catch (SqlException ex)
        {
            throw new StartupProblem($"SQL Server '{server}' cannot be reached ({ex.Message}): check the server and port in ConnectionStrings:SqlServer, "
                + "that SQL Server runs and accepts TCP connections there, and the firewall; or set Database:Provider=Sqlite for the embedded database.", ex);
        }
    }

    private const int CannotOpenDatabase = 4060;
    private const int LoginFailed = 18456;

    private static string Settings(IEnumerable<string> failures) =>
        string.Join(" ", failures) + " Correct the setting in appsettings.json, the environment or the command line.";

    private static string Friendly(string type) => type.Split('.')[^1] switch
    {
        "Int32" or "Int64" => "whole number",
        "Boolean" => "true or false",
        "DateOnly" => "date (2011-09-30)",
        "DateTimeOffset" => "date and time (2011-03-02T09:00:00-08:00)",
        var other => other,
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"configuration value (?:'(?<value>[^']*)' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex UnconvertibleSetting();
}
