using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Setup;

/// <summary>
/// Before the first set-up, each start makes sure a set-up code exists (<see cref="IssueSetupCode"/>) and tells the
/// operator where it is, in one line of the log: the code itself when this start issued it (and in
/// <see cref="FileName"/> in the data folder, readable by the app's user only), or read back from that file on a later
/// start. An instance that finds a code another instance issued (several starting at once on one SQL Server) points to
/// that instance's log and file: the database keeps one code, and every instance checks set-ups against it.
/// </summary>
public static class SetupCodeAtStart
{
    public const string FileName = "setup-code.txt";

    public static async Task IssueAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var data = scope.ServiceProvider.GetRequiredService<DataFolder>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("PyPyLeads.Setup");
        var file = data.File(FileName);
        switch (await scope.ServiceProvider.GetRequiredService<IssueSetupCode>().RunAsync(cancellationToken))
        {
            case IssueSetupCode.Issued issued:
                await WriteAsync(file, issued.Code, cancellationToken);
                Announce(logger, issued.Code, file);
                break;
            case IssueSetupCode.AlreadyIssued { Current: var current }:
                var kept = File.Exists(file) ? (await File.ReadAllTextAsync(file, cancellationToken)).Trim() : null;
                if (kept is not null && current.Accepts(kept))
                {
                    Announce(logger, kept, file);
                }
                else
                {
                    logger.LogWarning("Set-up code: issued at {IssuedAtUtc:u} by another instance sharing this database; it is in that instance's log "
                        + "and in {FileName} in its data folder. Enter it at /setup to create the first admin.", current.IssuedAtUtc, FileName);
                }
                break;
            default:
                // Set up: a code file left from before is of no use to anyone.
                File.Delete(file);
                break;
        }
    }

    /// <summary>After the set-up that used it: the code is spent, so its file goes.</summary>
    public static void Forget(DataFolder data) => File.Delete(data.File(FileName));

    private static void Announce(ILogger logger, string code, string file) =>
        logger.LogWarning("Set-up code: {SetupCode} (enter it at /setup to create the first admin; it is also in {File})", code, file);

    private static async Task WriteAsync(string file, string code, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var stream = new FileStream(file, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteLineAsync(code.AsMemory(), cancellationToken);
    }
}
