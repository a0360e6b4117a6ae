using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The confirm step of the CSV import, called directly on a real SQLite file (the pages' tests are in <see cref="CsvTests"/>).</summary>
public sealed class ConfirmCompanyImportTests : IAsyncLifetime
{
    private const string File = "Company,Person\nYelp,Jane Doe\nNoisebridge,Mitch\n";
    private readonly FakeTimeProvider _clock = new(CompanyTestKit.AtYelpTalk);
    private UseCaseRig _rig = null!;
    private Caller _armin = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private async Task<Guid> UploadAsync(Caller caller)
    {
        var outcome = await _rig.RunAsync<UploadCompanyImport, Outcome>(u => u.RunAsync(new UploadCompanyImport.Input(File, "contacts.csv"), caller, CancellationToken.None));
        return Assert.IsType<Done<UploadCompanyImport.Uploaded>>(outcome).Value.ImportId;
    }

    private Task<Outcome> Confirm(Guid id, Caller caller) =>
        _rig.RunAsync<ConfirmCompanyImport, Outcome>(u => u.RunAsync(new ConfirmCompanyImport.Input(id), caller, CancellationToken.None));

    private Task<CsvImportState> StateAsync(Guid id) => _rig.DbAsync(db => db.CsvImports.Where(i => i.Id == id).Select(i => i.State).SingleAsync());

    [Fact]
    public async Task The_uploader_confirms_and_the_background_job_imports_the_rows_in_their_name()
    {
        var id = await UploadAsync(_armin);

        var confirmed = Assert.IsType<Done<ConfirmCompanyImport.Confirmed>>(await Confirm(id, _armin)).Value;

        Assert.Equal((id, true), (confirmed.ImportId, confirmed.Started));
        Assert.Equal(CsvImportState.Done, await Eventually.EqualAsync(CsvImportState.Done, () => StateAsync(id)));
        Assert.Equal(["Yelp", "Noisebridge"], await _rig.DbAsync(db => db.Companies.OrderBy(c => c.Id).Select(c => c.Name).ToListAsync()));
        Assert.Equal(["Armin Rigo"], await _rig.DbAsync(db => db.Timeline.Select(t => t.ActorName).Distinct().ToListAsync()));
    }

    [Fact]
    public async Task A_second_confirmation_starts_nothing_more()
    {
        var id = await UploadAsync(_armin);
        Assert.True(Assert.IsType<Done<ConfirmCompanyImport.Confirmed>>(await Confirm(id, _armin)).Value.Started);

        Assert.False(Assert.IsType<Done<ConfirmCompanyImport.Confirmed>>(await Confirm(id, _armin)).Value.Started);
        Assert.Equal(CsvImportState.Done, await Eventually.EqualAsync(CsvImportState.Done, () => StateAsync(id)));
        Assert.Equal(2, await _rig.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_member_cannot_confirm_someone_elses_import_it_is_not_found_for_them()
    {
        var id = await UploadAsync(_armin);
        var maciej = await _rig.UserAsync("Maciej Fijałkowski", "fijal@merlinux.eu", consultancyId: Consultancy.MerlinuxId);

        Assert.IsType<NotFound>(await Confirm(id, maciej));
        Assert.Equal(CsvImportState.Previewed, await StateAsync(id));
    }

    [Fact]
    public async Task An_admin_confirms_anyones_import()
    {
        var id = await UploadAsync(_armin);
        var laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);

        Assert.True(Assert.IsType<Done<ConfirmCompanyImport.Confirmed>>(await Confirm(id, laura)).Value.Started);
    }

    [Fact]
    public async Task An_unknown_import_is_not_found()
    {
        Assert.IsType<NotFound>(await Confirm(Guid.NewGuid(), _armin));
    }
}
