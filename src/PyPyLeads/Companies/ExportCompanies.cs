using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Export the client list: the companies CSV (admins, and members an admin allowed: <see cref="Users.GrantExportRight"/>)
/// or the full export (admins only). <see cref="RunAsync"/> checks the right and records who exports what, when and from
/// where before a row leaves the app; the page then streams the file and <see cref="FinishAsync"/> adds how many rows
/// went out and whether the download ran to the end.
/// Returns <see cref="Done{T}"/> of <see cref="Started"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class ExportCompanies(LeadsDbContext db, TimeProvider clock, ILoggerFactory loggers)
{
    // Exports, and refusals, are security events: the security log is where they are looked for.
    private readonly ILogger logger = loggers.CreateLogger(SecurityLog.Category);

    public const string CompaniesRefused = "Exporting companies is for admins and for members an admin allowed to (on the Users page).";
    public const string FullRefused = "Only admins download the full export.";

    /// <param name="Kind">One of <see cref="ExportKinds"/>.</param>
    /// <param name="Filter">The list's filters as its query string; null or empty for everything.</param>
    public sealed record Input(string Kind, string? Filter, string? ClientAddress);

    public sealed record Started(long RecordId);

    /// <summary>The rule: admins export companies, and members an admin allowed to (<see cref="Users.AppUser.MayExportCompanies"/>).</summary>
    public static bool MayExport(bool isAdmin, bool granted) => isAdmin || granted;

    private async Task<bool> MayExportCompaniesAsync(Caller caller, CancellationToken cancellationToken) =>
        MayExport(caller.IsAdmin, await db.Users.AnyAsync(u => u.Id == caller.UserId && u.MayExportCompanies, cancellationToken));

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (input.Kind == ExportKinds.Full ? !caller.IsAdmin : input.Kind != ExportKinds.CompaniesCsv || !await MayExportCompaniesAsync(caller, cancellationToken))
        {
            logger.LogWarning("{User} was refused the {Kind} from {ClientAddress}", caller.Name, input.Kind, input.ClientAddress);
            return new NotAllowed(input.Kind == ExportKinds.Full ? FullRefused : CompaniesRefused);
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var record = new ExportRecord
            {
                UserId = caller.UserId, UserName = caller.Name, AtUtc = clock.GetUtcNow().UtcDateTime, Kind = input.Kind,
                Filter = string.IsNullOrEmpty(input.Filter) ? null : input.Filter.Length > 2000 ? input.Filter[..2000] : input.Filter,
                ClientAddress = input.ClientAddress, Complete = false,
            };
            db.ExportRecords.Add(record);
            await db.SaveChangesAsync(ct);
            logger.LogInformation("{User} started the {Kind} ({Filter}) from {ClientAddress}", caller.Name, input.Kind, record.Filter ?? "everything", input.ClientAddress);
            return new Done<Started>(new(record.Id));
        }, cancellationToken);
    }

    /// <summary>How the export ended: the rows written and whether the file was finished. Runs whatever happened to the request.</summary>
    public async Task FinishAsync(long recordId, long rows, bool complete)
    {
        await db.ExportRecords.Where(r => r.Id == recordId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Rows, rows).SetProperty(r => r.Complete, complete), CancellationToken.None);
        logger.LogInformation("Export {RecordId} {Ended} after {Rows} rows", recordId, complete ? "finished" : "stopped", rows);
    }
}
