using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Features.Export;

/// <summary>
/// Everything in the database, one CSV file per kind of record, in one zip. Add a kind with one line in
/// <see cref="Tables"/>: a query (entities or a projection) ordered by its id.
/// </summary>
public static class FullExport
{
    public static IReadOnlyList<ExportTable> Tables { get; } =
    [
        ExportTable.Of("companies", db => db.Companies.OrderBy(x => x.Id)),
        ExportTable.Of("people", db => db.People.OrderBy(x => x.Id)),
        // The audit trail: every change to a company and its leads, newest last.
        ExportTable.Of("timeline", db => db.Timeline.OrderBy(x => x.Id)),
        // Users: who they are and their role, never password hashes, security stamps or tokens.
        ExportTable.Of("users", db => db.Users.OrderBy(u => u.Id).Select(u => new
        {
            u.Id, u.DisplayName, u.Email,
            Role = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).OrderBy(n => n).FirstOrDefault(),
            u.ConsultancyId, u.TeamMemberId, u.TimeZoneId, u.CreatedAtUtc, HasPassword = u.PasswordHash != null, u.LockoutEnd, u.MayExportCompanies,
        })),
        ExportTable.Of("consultancies", db => db.Consultancies.OrderBy(x => x.Id)),
        ExportTable.Of("team-members", db => db.TeamMembers.OrderBy(x => x.Id)),
        ExportTable.Of("tour-stops", db => db.TourStops.OrderBy(x => x.Id)),
        ExportTable.Of("tour-stop-attendees", db => db.TourStopAttendees.OrderBy(x => x.TourStopId).ThenBy(x => x.TeamMemberId)),
        ExportTable.Of("team-stays", db => db.TeamStays.OrderBy(x => x.Id)),
        ExportTable.Of("presentation-requests", db => db.PresentationRequests.OrderBy(x => x.Id)),
        ExportTable.Of("presentation-presenters", db => db.Set<PyPyLeads.Schedule.PresentationPresenter>().OrderBy(x => x.PresentationRequestId).ThenBy(x => x.TeamMemberId)),
        ExportTable.Of("meetings", db => db.Meetings.OrderBy(x => x.Id)),
        ExportTable.Of("meeting-team", db => db.Set<PyPyLeads.Schedule.MeetingTeamMember>().OrderBy(x => x.MeetingId).ThenBy(x => x.TeamMemberId)),
        ExportTable.Of("encounters", db => db.Encounters.OrderBy(x => x.Id)),
        ExportTable.Of("encounter-attendees", db => db.EncounterAttendees.OrderBy(x => x.EncounterId).ThenBy(x => x.UserId)),
        ExportTable.Of("follow-ups", db => db.FollowUps.OrderBy(x => x.Id)),
        ExportTable.Of("notifications", db => db.Notifications.OrderBy(x => x.Id)),
        ExportTable.Of("digests", db => db.Digests.OrderBy(x => x.Id)),
        ExportTable.Of("exports", db => db.ExportRecords.OrderBy(x => x.Id)),
        ExportTable.Of("deals", db => db.Deals.OrderBy(x => x.Id)),
        ExportTable.Of("deal-stage-changes", db => db.DealStageChanges.OrderBy(x => x.Id)),
        ExportTable.Of("meeting-people", db => db.Set<PyPyLeads.Schedule.MeetingPerson>().OrderBy(x => x.MeetingId).ThenBy(x => x.PersonId)),
    ];

    /// <summary>
    /// RFC 4180, UTF-8 with a byte order mark (so spreadsheets read "Fijałkowski" right), and a text cell that a
    /// spreadsheet would run as a formula (=, +, -, @, tab or CR first: OWASP's list) gets a leading apostrophe.
    /// That applies to text only: numbers and dates are written by us and cannot be formulas, so -5 stays a number.
    /// </summary>
    private static readonly CsvConfiguration CsvOptions = new(CultureInfo.InvariantCulture)
    {
        // Escaping is done per text cell in WriteValue, so that numbers such as -5 stay numbers.
        InjectionOptions = InjectionOptions.None,
    };

    private const string ReadMe = """
        PyPyLeads export

        One CSV file per kind of record (UTF-8, comma-separated, first line the column names).
        Ids link the files: CompanyId in people.csv and timeline.csv is the Id in companies.csv,
        ConsultancyId is the Id in consultancies.csv, SourceTourStopId the Id in tour-stops.csv,
        *UserId the Id in users.csv.
        Times are UTC (columns ending in Utc), written yyyy-MM-dd HH:mm:ss.
        A text cell that begins with = + - @ (or a tab or carriage return) is written with a leading
        apostrophe, so that a spreadsheet shows it as text instead of running it as a formula.
        manifest.csv lists the files and their row counts.
        """;

    /// <summary>
    /// Writes the zip to <paramref name="output"/> table by table, row by row: nothing is held in memory but a row and
    /// the buffers. Returns the rows written, every table's.
    /// </summary>
    public static async Task<long> WriteAsync(LeadsDbContext db, Stream output, DateTime exportedAtUtc, CancellationToken cancellationToken)
    {
        await using var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        await using var snapshot = await SnapshotAsync(db, cancellationToken);
        var written = new List<(string File, long Rows)>();
        foreach (var table in Tables)
        {
            var rows = await WriteEntryAsync(zip, table.FileName, exportedAtUtc, csv => table.WriteAsync(db, csv, cancellationToken), cancellationToken);
            written.Add((table.FileName, rows));
        }
        await WriteEntryAsync(zip, "manifest.csv", exportedAtUtc, async csv =>
        {
            await ExportTable.WriteHeaderAsync(csv, ["File", "Rows", "ExportedAtUtc"]);
            foreach (var (file, rows) in written)
            {
                ExportTable.WriteValue(csv, file);
                ExportTable.WriteValue(csv, rows);
                ExportTable.WriteValue(csv, exportedAtUtc);
                await csv.NextRecordAsync();
            }
            return written.Count;
        }, cancellationToken);

        var readMe = zip.CreateEntry("README.txt", CompressionLevel.Optimal);
        readMe.LastWriteTime = exportedAtUtc;
        await using var readMeStream = await readMe.OpenAsync(cancellationToken);
        await readMeStream.WriteAsync(Encoding.UTF8.GetBytes(ReadMe.ReplaceLineEndings("\r\n")), cancellationToken);
        return written.Sum(w => w.Rows);
    }

    private static async Task<long> WriteEntryAsync(ZipArchive zip, string name, DateTime exportedAtUtc, Func<CsvWriter, Task<long>> write, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = exportedAtUtc;
        await using var stream = await entry.OpenAsync(cancellationToken);
        // Async writes throughout (EndRecordAsync, DisposeAsync): the response stream refuses synchronous ones.
        await using var text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(text, CsvOptions, leaveOpen: true);
        var rows = await write(csv);
        await csv.FlushAsync();
        await text.FlushAsync(cancellationToken);
        return rows;
    }

    /// <summary>
    /// On SQLite one deferred read transaction makes every file show the database at the same instant, without
    /// blocking writers (WAL). On SQL Server each file is read committed on its own: a snapshot there would need
    /// snapshot isolation switched on by the DBA.
    /// </summary>
    private static async Task<IAsyncDisposable> SnapshotAsync(LeadsDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return new Snapshot(db, null);
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        return new Snapshot(db, transaction);
    }

    /// <summary>Ends the read transaction (nothing was written, so it rolls back) and gives the connection back.</summary>
    private sealed class Snapshot(LeadsDbContext db, SqliteTransaction? transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (transaction is not null)
            {
                await db.Database.UseTransactionAsync(null);
                await transaction.DisposeAsync();
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

/// <summary>One CSV file of the export: a query and the columns of its rows.</summary>
public abstract class ExportTable(string name)
{
    public string FileName { get; } = name + ".csv";

    /// <summary>
    /// The file <paramref name="name"/>.csv from a query. Its columns are the row type's public properties of plain
    /// types (text, numbers, dates, enums), in the order they are declared; navigation properties are left out.
    /// </summary>
    public static ExportTable Of<T>(string name, Func<LeadsDbContext, IQueryable<T>> query) where T : class => new Table<T>(name, query);

    /// <summary>Writes the header and the rows; returns how many rows.</summary>
    public abstract Task<long> WriteAsync(LeadsDbContext db, CsvWriter csv, CancellationToken cancellationToken);

    public static async Task WriteHeaderAsync(CsvWriter csv, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            csv.WriteField(name);
        }
        await csv.NextRecordAsync();
    }

    /// <summary>Writes one cell: text with a leading apostrophe when a spreadsheet would run it as a formula, times as UTC "yyyy-MM-dd HH:mm:ss", enums by name.</summary>
    public static void WriteValue(CsvWriter csv, object? value)
    {
        var invariant = CultureInfo.InvariantCulture;
        csv.WriteField(value switch
        {
            null => "",
            string s => s.Length > 0 && FormulaStarts.Contains(s[0]) ? "'" + s : s,
            DateTime d => d.ToString(TimeFormat, invariant),
            DateTimeOffset d => d.UtcDateTime.ToString(TimeFormat, invariant),
            DateOnly d => d.ToString("yyyy-MM-dd", invariant),
            bool b => b ? "true" : "false",
            Enum e => e.ToString(),
            IFormattable f => f.ToString(null, invariant),
            _ => value.ToString(),
        });
    }

    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    // OWASP's list of characters a spreadsheet reads as the start of a formula.
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    private static bool IsPlain(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset)
               || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(TimeSpan) || t == typeof(Guid);
    }

    private sealed class Table<T>(string name, Func<LeadsDbContext, IQueryable<T>> query) : ExportTable(name) where T : class
    {
        private static readonly PropertyInfo[] Columns = typeof(T)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && IsPlain(p.PropertyType))
            .OrderBy(p => p.MetadataToken) // declaration order
            .ToArray();

        private static readonly string[] Names = Columns.Select(c => c.Name).ToArray();

        public override async Task<long> WriteAsync(LeadsDbContext db, CsvWriter csv, CancellationToken cancellationToken)
        {
            await WriteHeaderAsync(csv, Names);
            long rows = 0;
            // No tracking, one row at a time from the database reader.
            await foreach (var row in query(db).AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                foreach (var column in Columns)
                {
                    WriteValue(csv, column.GetValue(row));
                }
                await csv.NextRecordAsync();
                rows++;
            }
            return rows;
        }
    }
}
