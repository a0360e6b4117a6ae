using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The upload step of the CSV import, called directly on a real SQLite file (the pages' tests are in <see cref="CsvTests"/>).</summary>
public sealed class UploadCompanyImportTests : IAsyncLifetime
{
    private const string Header = "Company,Web domain,City,Country,Industry,Source,Consultancy,Notes,Person,Role,E-mail,Phone\n";
    private readonly FakeTimeProvider _clock = new(CompanyTestKit.AtYelpTalk);
    private UseCaseRig _rig = null!;
    private Caller _armin = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Upload(string? file, string fileName = "contacts.csv") =>
        _rig.RunAsync<UploadCompanyImport, Outcome>(u => u.RunAsync(new UploadCompanyImport.Input(file, fileName), _armin, CancellationToken.None));

    [Fact]
    public async Task A_readable_file_is_kept_for_its_preview_in_the_uploaders_name_and_nothing_is_imported_yet()
    {
        var file = Header + "Yelp,yelp.com,,,,,,,Jane Doe,,,\nNoisebridge,,,,,,,,,,,\n";

        var outcome = await Upload(file);

        var id = Assert.IsType<Done<UploadCompanyImport.Uploaded>>(outcome).Value.ImportId;
        var import = await _rig.DbAsync(db => db.CsvImports.SingleAsync());
        Assert.Equal((id, "contacts.csv", file, _armin.UserId, "Armin Rigo", _clock.GetUtcNow().UtcDateTime, CsvImportState.Previewed, 2),
            (import.Id, import.FileName, import.Content, import.UploadedByUserId, import.UploadedByName, import.UploadedAtUtc, import.State, import.TotalRows));
        Assert.Equal(0, await _rig.DbAsync(db => db.Companies.CountAsync()));
    }

    [Theory]
    [InlineData(null, "Choose a CSV file.")]
    [InlineData("Company\n", "The file has a header line but no rows.")]
    [InlineData("Name;Town\nYelp;San Francisco\n", "one of them must be “Company”")]
    [InlineData("Company,City\n\"Yelp,San Francisco\nGoogle,Mountain View\n", "The file is not valid CSV")]
    public async Task A_missing_or_malformed_file_is_refused_whole_with_the_reason_beside_the_file(string? file, string message)
    {
        var invalid = Assert.IsType<Invalid>(await Upload(file));

        var error = Assert.Single(invalid.Errors);
        Assert.Equal("File", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _rig.DbAsync(db => db.CsvImports.CountAsync()));
    }

    [Fact]
    public async Task Only_the_file_name_is_kept_never_a_path_and_at_most_200_characters()
    {
        Assert.IsType<Done<UploadCompanyImport.Uploaded>>(await Upload(Header + "Yelp,,,,,,,,,,,\n", "../../etc/" + new string('a', 300) + ".csv"));

        Assert.Equal(new string('a', 200), await _rig.DbAsync(db => db.CsvImports.Select(i => i.FileName).SingleAsync()));
    }
}
