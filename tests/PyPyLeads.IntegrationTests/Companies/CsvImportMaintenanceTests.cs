using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The upkeep of stored CSV imports (carrying on a stopped one, deleting old uploads), called directly on a real SQLite file with Hangfire running.</summary>
public sealed class CsvImportMaintenanceTests : IAsyncLifetime
{
    private const string File = "Company,Person\nYelp,Jane Doe\nNoisebridge,Mitch Altman\nYelp,Jeremy Stoppelman\n";
    private readonly FakeTimeProvider _clock = new(CompanyTestKit.AtYelpTalk);
    private UseCaseRig _rig = null!;
    private string _armin = null!;

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _armin = (await _rig.UserAsync("Armin Rigo", "arigo@openend.se")).UserId;
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Guid> ImportAsync(CsvImportState state, TimeSpan age, Action<CsvImport>? arrange = null) => _rig.DbAsync(async db =>
    {
        var import = new CsvImport
        {
            Id = Guid.NewGuid(), FileName = "contacts.csv", Content = File, UploadedByUserId = _armin, UploadedByName = "Armin Rigo",
            UploadedAtUtc = Now - age, State = state, TotalRows = 3,
        };
        arrange?.Invoke(import);
        db.CsvImports.Add(import);
        await db.SaveChangesAsync();
        return import.Id;
    });

    private Task<T> MaintenanceAsync<T>(Func<CsvImportMaintenance, Task<T>> call) => _rig.RunAsync(call);

    private Task<CsvImport?> RowAsync(Guid id) => _rig.DbAsync(db => db.CsvImports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id));

    [Fact]
    public async Task Uploads_kept_past_the_retention_are_deleted_and_imports_under_way_or_recent_are_left_alone()
    {
        var forgotten = await ImportAsync(CsvImportState.Previewed, TimeSpan.FromDays(15));
        var recent = await ImportAsync(CsvImportState.Previewed, TimeSpan.FromDays(13));
        var failed = await ImportAsync(CsvImportState.Failed, TimeSpan.FromDays(15), i => i.ProcessedRows = 2);
        var underWay = await ImportAsync(CsvImportState.Importing, TimeSpan.FromDays(15), i => i.ClaimedUntilUtc = Now.AddMinutes(1));

        Assert.Equal(2, await MaintenanceAsync(m => m.PruneAsync(CancellationToken.None)));

        Assert.Null(await RowAsync(forgotten));
        Assert.Equal(File, (await RowAsync(recent))!.Content);
        Assert.Equal(("", 2), ((await RowAsync(failed))!.Content, (await RowAsync(failed))!.ProcessedRows)); // the file goes, the counts stay
        Assert.Equal(File, (await RowAsync(underWay))!.Content);
        Assert.Equal(0, await MaintenanceAsync(m => m.PruneAsync(CancellationToken.None))); // nothing left to delete
    }

    [Fact]
    public async Task An_import_whose_run_stopped_is_carried_on_after_its_last_batch_and_one_still_held_is_left_to_its_run()
    {
        // Stopped after its first batch of one row (as if the batch size were 1): Yelp with Jane is in, the rest is not.
        var stopped = await ImportAsync(CsvImportState.Importing, TimeSpan.FromMinutes(10), i =>
        {
            i.ClaimToken = Guid.NewGuid();
            i.ClaimedUntilUtc = Now.AddSeconds(-1);
            i.ProcessedRows = 1;
            i.CompaniesCreated = 1;
            i.PeopleCreated = 1;
        });
        var held = await ImportAsync(CsvImportState.Importing, TimeSpan.FromMinutes(1), i =>
        {
            i.ClaimToken = Guid.NewGuid();
            i.ClaimedUntilUtc = Now.AddSeconds(30);
        });
        var yelp = await _rig.CompanyAsync("Yelp");
        await _rig.DbAsync(async db =>
        {
            db.People.Add(new Person { CompanyId = yelp, Name = "Jane Doe", CreatedAtUtc = Now });
            return await db.SaveChangesAsync();
        });

        var wait = await MaintenanceAsync(m => m.ResumeAsync(CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(30), wait); // when to look at the held one again
        Assert.Equal(CsvImportState.Done, await Eventually.EqualAsync(CsvImportState.Done, async () => (await RowAsync(stopped))!.State));
        Assert.Equal(["Noisebridge", "Yelp"], await _rig.DbAsync(db => db.Companies.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync()));
        Assert.Equal(["Jane Doe", "Jeremy Stoppelman"], await _rig.DbAsync(db => db.People.Where(p => p.CompanyId == yelp).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync()));
        var done = (await RowAsync(stopped))!;
        Assert.Equal((3, 2, 3), (done.ProcessedRows, done.CompaniesCreated, done.PeopleCreated));
        var stillHeld = (await RowAsync(held))!;
        Assert.Equal((CsvImportState.Importing, 0), (stillHeld.State, stillHeld.ProcessedRows));
    }
}
