namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// Where the embedded default keeps its files: the SQLite database, Hangfire storage, mail and backups.
/// A relative <c>Data:Directory</c> is taken from the content root, so <c>dotnet run</c> and the build output agree.
/// </summary>
public sealed record DataFolder(string Path)
{
    public static DataFolder From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration.Read<DataOptions>(DataOptions.Section).Directory;
        var path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? DataOptions.DefaultDirectory : configured, environment.ContentRootPath);
        StartupFailures.CheckWritable(path);
        return new DataFolder(path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);
}

/// <summary>The <c>Data</c> settings.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";
    public const string DefaultDirectory = "data";

    /// <summary>The data folder; a relative path is taken from the content root.</summary>
    public string? Directory { get; set; } = DefaultDirectory;

    /// <summary>
    /// The room kept free on the data folder's disk: below it /health reports the disk degraded, and a backup that would
    /// leave less is not started (a full disk stops every write, the database's included).
    /// </summary>
    public long MinFreeMegabytes { get; set; } = 500;

    public IEnumerable<string> Problems()
    {
        if (MinFreeMegabytes < 0)
        {
            yield return $"Data:MinFreeMegabytes must be 0 or more (it is {MinFreeMegabytes}).";
        }
    }
}
