using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using Xunit.Abstractions;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>A measurement, not part of the default test run: skipped unless PYPYLEADS_BENCHMARKS=1.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PYPYLEADS_BENCHMARKS") != "1")
        {
            Skip = "A benchmark: run with PYPYLEADS_BENCHMARKS=1 dotnet test tests/PyPyLeads.IntegrationTests --filter Category=Benchmark";
        }
    }
}

/// <summary>
/// The company list and search over HTTP at 100,000 companies (150,000 people, 100,000 encounters), on this
/// machine's SQLite file. Prints the median of several requests for each page; asserts only that pages answer.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class CompanyListBenchmark(ITestOutputHelper output) : IDisposable
{
    private const int Companies = 100_000;
    private readonly LeadsApp _app = NewApp().With("Hangfire:RunServer", "false");

    [BenchmarkFact]
    public async Task List_and_search_at_100000_companies()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var seeding = Stopwatch.StartNew();
        await SeedAsync();
        output.WriteLine($"Seeded {Companies:N0} companies, {Companies * 3 / 2:N0} people, {Companies:N0} encounters in {seeding.Elapsed.TotalSeconds:N0} s; " +
                         $"database file {new FileInfo(_app.DatabasePath).Length / 1024 / 1024:N0} MB (+ WAL {new FileInfo(_app.DatabasePath + "-wal").Length / 1024 / 1024:N0} MB)");

        // A cursor near the end of the name order, to show a deep page costs what the first does.
        var deep = await _app.DbAsync(db => db.Companies.Where(c => c.DeletedAtUtc == null).OrderByDescending(c => c.NameKey).Skip(30).Select(c => new { c.NameKey, c.Id }).FirstAsync());
        var deepCursor = new PyPyLeads.Web.Features.Companies.Cursor(deep.NameKey, deep.Id).Encode();
        var cases = new (string Label, string Url)[]
        {
            ("list, first page (with the total count)", "/companies"),
            ("list, page near the end (keyset)", "/companies?after=" + deepCursor),
            ("list, newest first", "/companies?sort=newest"),
            ("search, a common word (\"systems\": 1 in 5 companies)", "/companies?q=systems"),
            ("search, one company by name", "/companies?q=company%2077777"),
            ("search, a person's last name prefix", "/companies?q=hallen77"),
            ("search, an e-mail address", "/companies?q=person12345a%40example.org"),
            ("search, a domain", "/companies?q=www.company54321.example.com"),
            ("search, a city (1 in 100)", "/companies?q=city%2042"),
            ("search, nothing matches", "/companies?q=zzzzzz"),
            ("filter, met at the Yelp talk (1 in 8)", "/companies?stop=2"),
            ("filter, interested in hiring (1 in 5)", "/companies?interest=Hiring"),
            ("filter, assigned to merlinux (1 in 3)", "/companies?consultancy=2"),
            ("filter, all three at once", "/companies?stop=2&interest=Hiring&consultancy=2"),
            ("type-ahead \"compan\"", "/companies/suggest?q=compan"),
            ("company page", "/companies/50000"),
        };
        output.WriteLine($"{"page",-55} {"median",8} {"max",8}  (ms over HTTP, 7 requests after 2 warm-ups; {Environment.ProcessorCount} cores)");
        foreach (var (label, url) in cases)
        {
            var times = new List<double>();
            for (var i = 0; i < 9; i++)
            {
                var watch = Stopwatch.StartNew();
                var response = await admin.GetAsync(url);
                await response.Content.ReadAsStringAsync();
                watch.Stop();
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                if (i >= 2)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            times.Sort();
            output.WriteLine($"{label,-55} {times[times.Count / 2],8:N1} {times[^1],8:N1}");
        }
    }

    private async Task SeedAsync()
    {
        var adminId = await _app.UserIdAsync(People.AdminEmail);
        var words = new[] { "Systems", "Labs", "Software", "Data", "Networks" };
        var start = AtYelpTalk.UtcDateTime.AddDays(-30);
        for (var batch = 0; batch < Companies / 5000; batch++)
        {
            using var scope = _app.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var companies = new List<Company>();
            for (var n = batch * 5000; n < (batch + 1) * 5000; n++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"Company {n:D5} {words[n % 5]}");
                var company = NewCompany(name, $"www.company{n}.example.com", $"City {n % 100}", start.AddSeconds(n), consultancyId: n % 3 == 0 ? null : n % 3);
                company.People.Add(new Person { Name = $"Jacob Hallen{n}", Email = $"person{n}a@example.org", EmailKey = $"person{n}a@example.org", CreatedAtUtc = start });
                if (n % 2 == 0)
                {
                    company.People.Add(new Person { Name = $"Maciej Fijalkowski{n}", Email = $"person{n}b@example.org", EmailKey = $"person{n}b@example.org", CreatedAtUtc = start });
                }
                companies.Add(company);
            }
            db.Companies.AddRange(companies);
            await db.SaveChangesAsync();
            foreach (var company in companies)
            {
                var n = company.Id;
                db.Encounters.Add(new Encounter
                {
                    CompanyId = company.Id, PersonId = company.People[0].Id, TourStopId = n % 8 + 1, MetAtUtc = start.AddSeconds(n),
                    Interests = (Interests)(1 << (n % 5)), MetBy = [new EncounterAttendee { UserId = adminId }],
                });
                db.CompanySearchTerms.AddRange(SearchIndex.TermsFor(company.Name, company.DomainKey, company.City, company.People.Select(p => (p.Name, p.EmailKey)))
                    .Select(t => new CompanySearchTerm { CompanyId = company.Id, Term = t }));
            }
            await db.SaveChangesAsync();
        }
        // No ANALYZE: the app never runs one, so the planner works without statistics here as it does there.
        if (Environment.GetEnvironmentVariable("PYPYLEADS_BENCHMARK_COPY") is { Length: > 0 } copy)
        {
            File.Delete(copy);
            await _app.DbAsync(db => db.Database.ExecuteSqlAsync($"VACUUM INTO {copy}"));
        }
    }

    public void Dispose() => _app.Dispose();
}
