using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.FollowUps;
using PyPyLeads.Leads;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Security;

/// <summary>
/// The consultancy rule where one action touches two records or runs later (merges, imports, a reassigned lead's
/// follow-up), and the export right: use cases called directly on a real SQLite file.
/// </summary>
public sealed class ConsultancyEdgeTests : IAsyncLifetime
{
    private const string Header = "Company,Web domain,City,Country,Industry,Source,Consultancy,Notes,Person,Role,E-mail,Phone\n";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(Seed.Now));
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;
    private Caller _jacob = null!;
    private Caller _holger = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app =>
        {
            app.Clock = _clock;
            app.With("Hangfire:RunServer", "false");
        });
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
        _jacob = await _rig.UserAsync("Jacob Hallén", "jacob@openend.se", consultancyId: Consultancy.OpenEndId);
        _holger = await _rig.UserAsync("Holger Krekel", "holger@merlinux.eu", consultancyId: Consultancy.MerlinuxId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<int> CompanyAsync(int? consultancyId, string? name = null) => _rig.DbAsync(db => Seed.CompanyAsync(db, consultancyId, name));

    private Task<string> FingerprintAsync() => _rig.DbAsync(Seed.FingerprintAsync);

    [Fact]
    public async Task A_member_cannot_merge_the_other_consultancys_company_into_theirs_nor_theirs_into_it()
    {
        var mine = await CompanyAsync(Consultancy.OpenEndId, "Yelp");
        var theirs = await CompanyAsync(Consultancy.MerlinuxId, "Yelp Inc. (merlinux)");
        var versions = await _rig.DbAsync(db => db.Companies.Where(c => c.Id == mine || c.Id == theirs).ToDictionaryAsync(c => c.Id, c => c.Version));
        var before = await FingerprintAsync();

        foreach (var (keep, other) in new[] { (mine, theirs), (theirs, mine) })
        {
            var refused = Assert.IsType<NotAllowed>(await _rig.RunAsync<MergeCompanies, Outcome>(u => u.RunAsync(new(keep, other, versions[keep], versions[other]), _jacob, default)));
            Assert.Equal("“Yelp Inc. (merlinux)” is merlinux's: only its members and admins change it. You can read it.", refused.Message);
        }

        Assert.Equal(before, await FingerprintAsync());
        Assert.IsType<Done<MergeCompanies.Merged>>(await _rig.RunAsync<MergeCompanies, Outcome>(u => u.RunAsync(new(mine, theirs, versions[mine], versions[theirs]), _laura, default)));
    }

    [Fact]
    public async Task An_import_refuses_only_the_rows_that_would_add_to_the_other_consultancys_companies_in_the_preview_and_when_it_runs()
    {
        await CompanyAsync(Consultancy.MerlinuxId, "Yelp");
        await CompanyAsync(Consultancy.OpenEndId, "Noisebridge");
        var file = Header + "Yelp,,,,,,,,Jane Doe,,,\nNoisebridge,,,,,,,,Mitch Altman,,,\nInitech,,,,,,,,Bill Lumbergh,,,\n";
        var upload = Assert.IsType<Done<UploadCompanyImport.Uploaded>>(
            await _rig.RunAsync<UploadCompanyImport, Outcome>(u => u.RunAsync(new(file, "leads.csv"), _jacob, default)));

        var preview = await _rig.DbAsync(db => CsvImporting.PreviewAsync(db, CompanyCsv.Read(file).Rows, _jacob));
        Assert.Equal([RowPlan.Error, RowPlan.ExistingCompany, RowPlan.NewCompany], preview.Rows.Select(r => r.Plan));
        Assert.Equal(["“Yelp” is merlinux's: only its members and admins change it. You can read it."], preview.Rows[0].Errors);
        // The same file is whole for an admin.
        var asAdmin = await _rig.DbAsync(db => CsvImporting.PreviewAsync(db, CompanyCsv.Read(file).Rows, _laura));
        Assert.DoesNotContain(asAdmin.Rows, r => r.Plan == RowPlan.Error);

        Assert.IsType<Done<ConfirmCompanyImport.Confirmed>>(
            await _rig.RunAsync<ConfirmCompanyImport, Outcome>(u => u.RunAsync(new(upload.Value.ImportId), _jacob, default)));
        await using (var scope = _rig.App.Services.CreateAsyncScope())
        {
            await ActivatorUtilities.CreateInstance<CsvImportJob>(scope.ServiceProvider).RunAsync(upload.Value.ImportId, default);
        }

        var people = await _rig.DbAsync(db => db.People.OrderBy(p => p.Name).Select(p => p.Name + " at " + p.Company!.Name).ToListAsync());
        Assert.Equal(["Bill Lumbergh at Initech", "Mitch Altman at Noisebridge"], people);
        var import = await _rig.DbAsync(db => db.CsvImports.SingleAsync());
        Assert.Equal((CsvImportState.Done, 1, 1, 2, 1), (import.State, import.CompaniesCreated, import.CompaniesMatched, import.PeopleCreated, import.RowsSkipped));
    }

    [Fact]
    public async Task A_lead_reassigned_after_the_upload_has_its_rows_skipped_when_the_import_runs()
    {
        var yelp = await CompanyAsync(null, "Yelp");
        var upload = Assert.IsType<Done<UploadCompanyImport.Uploaded>>(
            await _rig.RunAsync<UploadCompanyImport, Outcome>(u => u.RunAsync(new(Header + "Yelp,,,,,,,,Jane Doe,,,\n", "leads.csv"), _jacob, default)));
        Assert.IsType<Done<ConfirmCompanyImport.Confirmed>>(
            await _rig.RunAsync<ConfirmCompanyImport, Outcome>(u => u.RunAsync(new(upload.Value.ImportId), _jacob, default)));
        Assert.IsType<Done<AssignLead.Assigned>>(await _rig.RunAsync<AssignLead, Outcome>(u => u.RunAsync(new(yelp, Consultancy.MerlinuxId, "Holger's contact", 0), _laura, default)));

        await using (var scope = _rig.App.Services.CreateAsyncScope())
        {
            await ActivatorUtilities.CreateInstance<CsvImportJob>(scope.ServiceProvider).RunAsync(upload.Value.ImportId, default);
        }

        Assert.Equal(0, await _rig.DbAsync(db => db.People.CountAsync()));
        Assert.Equal(1, await _rig.DbAsync(db => db.CsvImports.Select(i => i.RowsSkipped).SingleAsync()));
    }

    [Fact]
    public async Task The_owner_of_a_follow_up_cannot_close_it_once_its_lead_is_the_other_consultancys_and_an_admin_can()
    {
        var yelp = await CompanyAsync(null, "Yelp");
        var followUp = await _rig.DbAsync(db => Seed.FollowUpAsync(db, yelp, _jacob.UserId, FollowUpState.Reminded));
        Assert.IsType<Done<AssignLead.Assigned>>(await _rig.RunAsync<AssignLead, Outcome>(u => u.RunAsync(new(yelp, Consultancy.MerlinuxId, "Holger's contact", 0), _laura, default)));
        var version = await _rig.DbAsync(db => db.FollowUps.Where(f => f.Id == followUp).Select(f => f.Version).SingleAsync());

        Assert.Equal("“Yelp” is merlinux's: only its members and admins change it. You can read it.",
            Assert.IsType<NotAllowed>(await _rig.RunAsync<CompleteFollowUp, Outcome>(u => u.RunAsync(new(followUp, version), _jacob, default))).Message);
        // Holger may change the lead, but the follow-up is neither his nor scheduled by him.
        Assert.Equal(FollowUpRules.NotYoursToChange,
            Assert.IsType<NotAllowed>(await _rig.RunAsync<CompleteFollowUp, Outcome>(u => u.RunAsync(new(followUp, version), _holger, default))).Message);
        Assert.Equal(FollowUpState.Reminded, await _rig.DbAsync(db => db.FollowUps.Where(f => f.Id == followUp).Select(f => f.State).SingleAsync()));

        Assert.IsType<Done<CompleteFollowUp.Completed>>(await _rig.RunAsync<CompleteFollowUp, Outcome>(u => u.RunAsync(new(followUp, version), _laura, default)));
    }

    [Fact]
    public async Task Logging_a_contact_with_a_new_company_is_open_to_every_member_and_leaves_it_unassigned()
    {
        var outcome = await _rig.RunAsync<LogContact, Outcome>(u => u.RunAsync(new LogContact.Input
        {
            TourStopId = 0, CompanyName = "Initech", PersonName = "Bill Lumbergh", MetBy = [_holger.UserId],
        }, _holger, default));

        var company = Assert.IsType<Done<LogContact.Logged>>(outcome).Value.CompanyId;
        Assert.Null(await _rig.DbAsync(db => db.Companies.Where(c => c.Id == company).Select(c => c.ConsultancyId).SingleAsync()));
    }

    [Fact]
    public async Task A_member_exports_companies_only_once_an_admin_allowed_it_and_each_export_is_recorded()
    {
        Task<Outcome> Export(Caller caller, string kind = ExportKinds.CompaniesCsv) =>
            _rig.RunAsync<ExportCompanies, Outcome>(u => u.RunAsync(new(kind, "?consultancy=2", "192.0.2.7"), caller, default));

        Assert.Equal(ExportCompanies.CompaniesRefused, Assert.IsType<NotAllowed>(await Export(_jacob)).Message);
        Assert.IsType<NotAllowed>(await _rig.RunAsync<GrantExportRight, Outcome>(u => u.RunAsync(new(_holger.UserId, true), _jacob, default)));
        Assert.Equal(0, await _rig.DbAsync(db => db.ExportRecords.CountAsync()));

        Assert.Equal("Jacob Hallén may now export companies.",
            Assert.IsType<Done<GrantExportRight.Granted>>(await _rig.RunAsync<GrantExportRight, Outcome>(u => u.RunAsync(new(_jacob.UserId, true), _laura, default))).Value.Message);
        var started = Assert.IsType<Done<ExportCompanies.Started>>(await Export(_jacob));
        await _rig.RunAsync<ExportCompanies, bool>(async u =>
        {
            await u.FinishAsync(started.Value.RecordId, 42, complete: true);
            return true;
        });
        // The full export stays the admins'.
        Assert.Equal(ExportCompanies.FullRefused, Assert.IsType<NotAllowed>(await Export(_jacob, ExportKinds.Full)).Message);

        var record = await _rig.DbAsync(db => db.ExportRecords.SingleAsync());
        Assert.Equal((_jacob.UserId, "Jacob Hallén", Seed.Now, ExportKinds.CompaniesCsv, "?consultancy=2", 42L, true, "192.0.2.7"),
            (record.UserId, record.UserName, record.AtUtc, record.Kind, record.Filter, record.Rows, record.Complete, record.ClientAddress));

        // In the security log too, with the client's address.
        Assert.Contains(_rig.App.Logs.Lines, l => l == "Information PyPyLeads.Security: Laura Creighton gave Jacob Hallén the right to export companies");
        Assert.Contains(_rig.App.Logs.Lines, l => l == "Information PyPyLeads.Security: Jacob Hallén started the Companies CSV (?consultancy=2) from 192.0.2.7");
        Assert.Contains(_rig.App.Logs.Lines, l => l == "Warning PyPyLeads.Security: Jacob Hallén was refused the Companies CSV from 192.0.2.7");

        Assert.IsType<Done<GrantExportRight.Granted>>(await _rig.RunAsync<GrantExportRight, Outcome>(u => u.RunAsync(new(_jacob.UserId, false), _laura, default)));
        Assert.IsType<NotAllowed>(await Export(_jacob));
        Assert.IsType<Done<ExportCompanies.Started>>(await Export(_laura, ExportKinds.Full));
    }
}
