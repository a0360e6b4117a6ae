using System.IO.Compression;
using System.Net;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Timeline;

namespace PyPyLeads.IntegrationTests.Export;

public sealed class ExportTests : IDisposable
{
    private static readonly DateTime Met = new(2011, 3, 3, 2, 0, 0, DateTimeKind.Utc); // the Yelp talk, 18:00 PST

    private readonly LeadsApp _app = new() { Clock = new FakeTimeProvider(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero)) };

    // What a hostile or careless user may have typed; the export must carry it exactly, and defuse formulas.
    private const string FormulaName = "=HYPERLINK(\"http://evil.example\",\"Click me\")";
    private const string ScriptNote = "<script>alert('x')</script>\r\nSecond line, with \"quotes\", commas; and ' apostrophes";
    private const string RightToLeft = "\u202Egnp.exe Bay Area";
    private const string Phone = "+1 415 555 0100";
    private const string AtFormula = "@SUM(1+1)*cmd|' /C calc'!A0";
    private const string TabFirst = "\tstarts with a tab";
    private static readonly string LongNote = string.Concat(Enumerable.Repeat("Fijałkowski € 𝄞 ", 250)); // 4,000 chars

    [Fact]
    public async Task The_export_of_a_seeded_database_has_one_file_per_kind_with_the_expected_rows_and_rereads_with_the_CSV_library()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await People.MemberAsync(_app, admin, "Armin Rigo", "arigo@example.org");
        var (yelp, formula, _) = await SeedAsync();

        var response = await admin.GetAsync("/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("pypyleads-export-2011-03-02T170000Z.zip", response.Content.Headers.ContentDisposition.FileName);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(
            ["README.txt", "companies.csv", "consultancies.csv", "deal-stage-changes.csv", "deals.csv", "digests.csv", "encounter-attendees.csv", "encounters.csv", "exports.csv", "follow-ups.csv", "manifest.csv", "meeting-people.csv", "meeting-team.csv", "meetings.csv", "notifications.csv", "people.csv",
             "presentation-presenters.csv", "presentation-requests.csv", "team-members.csv", "team-stays.csv", "timeline.csv", "tour-stop-attendees.csv",
             "tour-stops.csv", "users.csv"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        var expectedRows = new Dictionary<string, int>
        {
            ["companies.csv"] = 3, ["people.csv"] = 2, ["timeline.csv"] = 4, ["users.csv"] = 2,
            ["consultancies.csv"] = 2, ["team-members.csv"] = 6, ["tour-stops.csv"] = 8,
            ["team-stays.csv"] = 9, ["tour-stop-attendees.csv"] = 20, ["presentation-requests.csv"] = 0, ["meetings.csv"] = 0,
            ["presentation-presenters.csv"] = 0, ["meeting-team.csv"] = 0, ["meeting-people.csv"] = 0,
            ["deals.csv"] = 0, ["deal-stage-changes.csv"] = 0, ["encounters.csv"] = 0, ["encounter-attendees.csv"] = 0,
            ["follow-ups.csv"] = 0, ["notifications.csv"] = 0, ["digests.csv"] = 0,
            // This export itself: recorded before its first row is written.
            ["exports.csv"] = 1,
        };
        foreach (var (file, rows) in expectedRows)
        {
            Assert.Equal((file, rows), (file, Read(zip, file).Rows.Count));
        }
        var manifest = Read(zip, "manifest.csv");
        Assert.Equal(expectedRows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            manifest.Rows.Select(r => (r["File"], r["Rows"])).OrderBy(r => r.Item1, StringComparer.Ordinal));
        Assert.All(manifest.Rows, r => Assert.Equal("2011-03-02 17:00:00", r["ExportedAtUtc"]));

        var companies = Read(zip, "companies.csv");
        Assert.Equal(
            ["Id", "Name", "NameKey", "WebDomain", "DomainKey", "City", "Country", "Industry", "Notes", "Source", "SourceTourStopId", "ConsultancyId",
             "CreatedAtUtc", "CreatedByUserId", "DeletedAtUtc", "DeletedByUserId", "MergedIntoCompanyId", "Version"],
            companies.Headers);
        var y = companies.Rows.Single(r => r["Id"] == yelp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("Yelp", "yelp.com", "2", "2011-03-03 02:00:00", "TourStop", "1", ""),
            (y["Name"], y["WebDomain"], y["SourceTourStopId"], y["CreatedAtUtc"], y["Source"], y["ConsultancyId"], y["DeletedAtUtc"]));
        Assert.Equal(ScriptNote, y["Notes"]);
        Assert.Equal(RightToLeft, y["City"]);
        var f = companies.Rows.Single(r => r["Id"] == formula.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("'" + FormulaName, f["Name"]); // shown as text by a spreadsheet, not run
        Assert.Equal(LongNote, f["Notes"]);
        Assert.Equal("'" + TabFirst, f["Industry"]);

        var people = Read(zip, "people.csv");
        Assert.DoesNotContain("Company", people.Headers); // navigations are left out; CompanyId links
        var fijal = people.Rows.Single(r => r["Name"] == "Maciej Fijałkowski");
        Assert.Equal(yelp.ToString(System.Globalization.CultureInfo.InvariantCulture), fijal["CompanyId"]);
        Assert.Equal("'" + Phone, fijal["Phone"]);
        Assert.Equal("'-CTO-", people.Rows.Single(r => r["Name"] == "Alex Gaynor")["Role"]);

        var timeline = Read(zip, "timeline.csv");
        Assert.Equal("'" + AtFormula, timeline.Rows.Single(r => r["Kind"] == "note")["Summary"]);
        Assert.All(timeline.Rows, r => Assert.Contains(r["CompanyId"], companies.Rows.Select(c => c["Id"])));

        Assert.Contains(Read(zip, "team-members.csv").Rows, r => r["Name"] == "Maciej Fijałkowski");
        Assert.Equal("Stanford talk", Read(zip, "tour-stops.csv").Rows[0]["Name"]);
        // A byte order mark first, so spreadsheets read the file as UTF-8.
        using (var raw = zip.GetEntry("companies.csv")!.Open())
        {
            var bom = new byte[3];
            raw.ReadExactly(bom);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bom);
        }
    }

    [Fact]
    public async Task Users_are_exported_with_their_roles_and_never_their_password_hashes_or_stamps()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await People.MemberAsync(_app, admin, "Armin Rigo", "arigo@example.org");
        await using var scope = _app.Services.CreateAsyncScope();
        var secrets = (await scope.ServiceProvider.GetRequiredService<LeadsDbContext>().Users.ToListAsync())
            .SelectMany(u => new[] { u.PasswordHash, u.SecurityStamp, u.ConcurrencyStamp }).ToList();
        Assert.Equal(6, secrets.Count(s => s is { Length: > 8 }));

        var bytes = await admin.GetByteArrayAsync("/export");

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var users = Read(zip, "users.csv");
        Assert.Equal(["Id", "DisplayName", "Email", "Role", "ConsultancyId", "TeamMemberId", "TimeZoneId", "CreatedAtUtc", "HasPassword", "LockoutEnd", "MayExportCompanies"], users.Headers);
        Assert.Equal([("Laura Creighton", "Admin", "true"), ("Armin Rigo", "Member", "true")],
            users.Rows.Select(r => (r["DisplayName"], r["Role"], r["HasPassword"])).OrderBy(r => r.Item2, StringComparer.Ordinal));
        var everything = string.Concat(zip.Entries.Select(e =>
        {
            using var reader = new StreamReader(e.Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        }));
        Assert.All(secrets.Where(s => s is not null), secret => Assert.DoesNotContain(secret!, everything, StringComparison.Ordinal));
    }

    /// <summary>Three companies, two people and four timeline entries, with the hostile text above.</summary>
    private async Task<(int Yelp, int Formula, int Deleted)> SeedAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var yelp = new Company
        {
            Name = "Yelp", NameKey = "yelp", WebDomain = "yelp.com", DomainKey = "yelp.com", City = RightToLeft, Notes = ScriptNote,
            Source = LeadSource.TourStop, SourceTourStopId = 2, ConsultancyId = 1, CreatedAtUtc = Met,
        };
        var formula = new Company { Name = FormulaName, NameKey = CompanyKeys.Name(FormulaName), Industry = TabFirst, Notes = LongNote, CreatedAtUtc = Met };
        var deleted = new Company { Name = "Gone Inc", NameKey = "gone", CreatedAtUtc = Met, DeletedAtUtc = Met.AddDays(1) };
        db.Companies.AddRange(yelp, formula, deleted);
        await db.SaveChangesAsync();
        db.People.AddRange(
            new Person { CompanyId = yelp.Id, Name = "Maciej Fijałkowski", Phone = Phone, CreatedAtUtc = Met },
            new Person { CompanyId = yelp.Id, Name = "Alex Gaynor", Role = "-CTO-", CreatedAtUtc = Met });
        db.Timeline.AddRange(
            new TimelineEntry { CompanyId = yelp.Id, AtUtc = Met, Kind = "encounter", Summary = "Met at the Yelp talk" },
            new TimelineEntry { CompanyId = yelp.Id, AtUtc = Met, Kind = "note", Summary = AtFormula },
            new TimelineEntry { CompanyId = formula.Id, AtUtc = Met, Kind = "encounter", Summary = "Met", Details = LongNote },
            new TimelineEntry { CompanyId = deleted.Id, AtUtc = Met.AddDays(1), Kind = "delete", Summary = "Deleted" });
        await db.SaveChangesAsync();
        return (yelp.Id, formula.Id, deleted.Id);
    }

    internal static (IReadOnlyList<string> Headers, List<Dictionary<string, string>> Rows) Read(ZipArchive zip, string file)
    {
        using var text = new StreamReader(zip.GetEntry(file)!.Open(), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var reader = new CsvReader(text, System.Globalization.CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        var headers = reader.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(headers.Select((h, i) => (h, i)).ToDictionary(c => c.h, c => reader.GetField(c.i) ?? ""));
        }
        return (headers, rows);
    }

    public void Dispose() => _app.Dispose();
}
