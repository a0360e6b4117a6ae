using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The merge-two-companies use case, called directly on a real SQLite file.</summary>
public sealed class MergeCompaniesTests : CompanyUseCaseTests
{
    /// <summary>Merges from a page showing the two companies' versions now (a fresh page), or <paramref name="seen"/>.</summary>
    private async Task<Outcome> Merge(int keep, int other, Caller caller, (long Keep, long Other)? seen = null)
    {
        var versions = seen ?? (await VersionAsync(keep), await VersionAsync(other));
        return await Run<MergeCompanies>(u => u.RunAsync(new MergeCompanies.Input(keep, other, versions.Keep, versions.Other), caller, CancellationToken.None));
    }

    private Task<long> VersionAsync(int companyId) => Rig.DbAsync(db => db.Companies.Where(c => c.Id == companyId).Select(c => c.Version).SingleOrDefaultAsync());

    [Fact]
    public async Task A_merge_moves_people_and_encounters_to_the_company_kept_and_its_timeline_says_who()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var europe = await Rig.CompanyAsync("Yelp Europe", c => c.WebDomain = c.DomainKey = "yelp.co.uk");
        var jane = await PersonAsync(yelp, "Jane Doe", "jane@yelp.com");
        await PersonAsync(europe, "J. Doe", "JANE@yelp.com", phone: "+44 20 7946 0000");
        var jacob = await PersonAsync(europe, "Jacob Hallén");

        var outcome = await Merge(yelp, europe, Armin);

        var merged = Assert.IsType<Done<MergeCompanies.Merged>>(outcome).Value;
        Assert.Equal((yelp, "Merged. Everything attached to the other company is here now (2 encounters, 0 timeline entries)."), (merged.CompanyId, merged.Message));
        var people = await Rig.DbAsync(db => db.People.Where(p => p.CompanyId == yelp && p.DeletedAtUtc == null).OrderBy(p => p.Id).ToListAsync());
        Assert.Equal([jane, jacob], people.Select(p => p.Id));
        Assert.Equal("+44 20 7946 0000", people[0].Phone); // the same e-mail at both is one person, merged
        Assert.Equal(3, await Rig.DbAsync(db => db.Encounters.CountAsync(e => e.CompanyId == yelp)));
        var gone = await CompanyRowAsync(europe);
        Assert.Equal((yelp, Armin.UserId), (gone.MergedIntoCompanyId, gone.DeletedByUserId));
        Assert.Equal("yelp.co.uk", (await CompanyRowAsync(yelp)).DomainKey); // an empty field filled from the other
        var entry = (await TimelineAsync(yelp)).Single(t => t.Kind == CompanyTimeline.CompanyMerged);
        Assert.Equal(("Armin Rigo merged “Yelp Europe” into this company", "Armin Rigo"), (entry.Summary, entry.ActorName));
        Assert.Contains("hallen", await SearchTermsAsync(yelp));
        Assert.Empty(await SearchTermsAsync(europe));
    }

    [Fact]
    public async Task An_admin_merges_companies_of_either_consultancy()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => c.ConsultancyId = Consultancy.MerlinuxId);
        var europe = await Rig.CompanyAsync("Yelp Europe", c => c.ConsultancyId = Consultancy.OpenEndId);

        Assert.IsType<Done<MergeCompanies.Merged>>(await Merge(yelp, europe, Laura));
        Assert.Equal(Consultancy.MerlinuxId, (await CompanyRowAsync(yelp)).ConsultancyId); // the kept one's assignment stays
    }

    [Fact]
    public async Task A_company_cannot_be_merged_with_itself()
    {
        var yelp = await Rig.CompanyAsync("Yelp");

        var invalid = Assert.IsType<Invalid>(await Merge(yelp, yelp, Laura));

        Assert.Equal(new FieldError("OtherId", "Choose two different companies."), Assert.Single(invalid.Errors));
        Assert.Null((await CompanyRowAsync(yelp)).DeletedAtUtc);
    }

    [Fact]
    public async Task A_deleted_or_already_merged_company_is_not_found_and_nothing_moves()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var gone = await Rig.CompanyAsync("Gone Inc", c => c.DeletedAtUtc = DateTime.UtcNow);
        await PersonAsync(yelp, "Jane Doe");

        Assert.Equal("One of the companies has been deleted or merged meanwhile.", Assert.IsType<NotFound>(await Merge(gone, yelp, Laura)).Message);
        Assert.IsType<NotFound>(await Merge(yelp, gone, Laura));

        Assert.Null((await CompanyRowAsync(yelp)).DeletedAtUtc);
        Assert.Equal(1, await Rig.DbAsync(db => db.People.CountAsync(p => p.CompanyId == yelp)));
        Assert.Empty(await TimelineAsync(yelp));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_merge_decided_before_either_company_was_edited_merges_nothing_and_gives_their_versions_now(bool keptOneEdited)
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var europe = await Rig.CompanyAsync("Yelp Europe");
        await PersonAsync(europe, "Jacob Hallén");
        var seen = (await VersionAsync(yelp), await VersionAsync(europe));
        var edited = keptOneEdited ? yelp : europe;
        var row = await CompanyRowAsync(edited);
        Assert.IsType<Done<EditCompany.Saved>>(await Run<EditCompany>(u => u.RunAsync(new EditCompany.Input(edited, row.Name, row.WebDomain, "Palo Alto", null, null,
            "Not the same company: Yelp Europe is a reseller.", LeadSource.Other, null, row.Version), Laura, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<MergeCompanies.Current>>(await Merge(yelp, europe, Armin, seen));

        Assert.Equal(new MergeCompanies.Current(yelp, await VersionAsync(yelp), europe, await VersionAsync(europe)), conflict.Current);
        Assert.Equal(MergeCompanies.ChangedMeanwhile, conflict.Message);
        Assert.Null((await CompanyRowAsync(europe)).DeletedAtUtc);
        Assert.Equal(1, await Rig.DbAsync(db => db.People.CountAsync(p => p.CompanyId == europe && p.DeletedAtUtc == null)));
        Assert.DoesNotContain(await TimelineAsync(yelp), t => t.Kind == CompanyTimeline.CompanyMerged);
        // From a page showing them as they are now, it merges.
        Assert.IsType<Done<MergeCompanies.Merged>>(await Merge(yelp, europe, Armin, (conflict.Current.KeepVersion, conflict.Current.OtherVersion)));
    }
}
