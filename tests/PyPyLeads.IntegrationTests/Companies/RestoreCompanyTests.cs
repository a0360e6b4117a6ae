using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The restore-a-company use case, called directly on a real SQLite file.</summary>
public sealed class RestoreCompanyTests : CompanyUseCaseTests
{
    /// <summary>Restores it from a page showing <paramref name="version"/>, by default the version it has now (a fresh page).</summary>
    private async Task<Outcome> Restore(int id, Caller caller, long? version = null)
    {
        var seen = version ?? await Rig.DbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.Version).SingleOrDefaultAsync());
        return await Run<RestoreCompany>(u => u.RunAsync(new RestoreCompany.Input(id, seen), caller, CancellationToken.None));
    }

    private Task<int> DeletedAsync(string name, int? mergedInto = null) => Rig.CompanyAsync(name, c =>
    {
        c.DeletedAtUtc = CompanyTestKit.AtYelpTalk.UtcDateTime.AddDays(-1);
        c.DeletedByUserId = Armin.UserId;
        c.MergedIntoCompanyId = mergedInto;
    });

    [Fact]
    public async Task An_admin_restores_a_deleted_company_and_the_timeline_says_who()
    {
        var yelp = await DeletedAsync("Yelp");

        Assert.Equal("Restored.", Assert.IsType<Done<RestoreCompany.Restored>>(await Restore(yelp, Laura)).Value.Message);

        var company = await CompanyRowAsync(yelp);
        Assert.Equal((null, null, 1L), (company.DeletedAtUtc, company.DeletedByUserId, company.Version));
        var entry = Assert.Single(await TimelineAsync(yelp));
        Assert.Equal((CompanyTimeline.CompanyRestored, "Laura Creighton restored this company", "Laura Creighton"), (entry.Kind, entry.Summary, entry.ActorName));
        // Restoring it again from a page showing it restored changes nothing.
        Assert.IsType<Done<RestoreCompany.Restored>>(await Restore(yelp, Laura));
        Assert.Single(await TimelineAsync(yelp));
        Assert.Equal(1L, (await CompanyRowAsync(yelp)).Version);
    }

    [Fact]
    public async Task Only_admins_restore_a_company()
    {
        var yelp = await DeletedAsync("Yelp");

        Assert.IsType<NotAllowed>(await Restore(yelp, Armin));

        Assert.NotNull((await CompanyRowAsync(yelp)).DeletedAtUtc);
        Assert.Empty(await TimelineAsync(yelp));
    }

    [Fact]
    public async Task A_company_merged_into_another_is_not_restored()
    {
        var survivor = await Rig.CompanyAsync("Yelp");
        var merged = await DeletedAsync("Yelp Europe", mergedInto: survivor);

        var invalid = Assert.IsType<Invalid>(await Restore(merged, Laura));

        Assert.Equal(new FieldError("CompanyId", "This company was merged into another one; its people and history are there now, so it cannot be restored."),
            Assert.Single(invalid.Errors));
        Assert.NotNull((await CompanyRowAsync(merged)).DeletedAtUtc);
    }

    [Theory]
    [InlineData("YELP Inc", null, "It cannot be restored: “YELP Inc” now has the same name. Restore is refused so as not to make a duplicate.")]
    [InlineData("Yelp Europe", "www.yelp.com", "It cannot be restored: “Yelp Europe” now has the same web domain. Restore is refused so as not to make a duplicate.")]
    public async Task Restore_is_refused_when_another_company_now_has_the_same_name_or_domain(string otherName, string? otherDomain, string message)
    {
        var yelp = await Rig.CompanyAsync("Yelp", c =>
        {
            c.WebDomain = c.DomainKey = "yelp.com";
            c.DeletedAtUtc = DateTime.UtcNow;
        });
        var other = await Rig.CompanyAsync(otherName, c => c.WebDomain = c.DomainKey = otherDomain is null ? null : CompanyKeys.Domain(otherDomain));

        var taken = Assert.IsType<DuplicatesFound<CompanyMatch>>(await Restore(yelp, Laura));

        Assert.Equal(message, taken.Message);
        Assert.Equal(other, Assert.Single(taken.Matches).Id);
        Assert.NotNull((await CompanyRowAsync(yelp)).DeletedAtUtc);
    }

    [Fact]
    public async Task An_unknown_company_is_not_found()
    {
        Assert.IsType<NotFound>(await Restore(999_999, Laura));
    }

    [Fact]
    public async Task A_second_tab_that_still_shows_it_deleted_restores_nothing_and_says_it_is_restored()
    {
        var yelp = await DeletedAsync("Yelp");
        var seen = (await CompanyRowAsync(yelp)).Version;
        Assert.IsType<Done<RestoreCompany.Restored>>(await Restore(yelp, Laura, seen));

        var conflict = Assert.IsType<Conflict<RestoreCompany.Current>>(await Restore(yelp, Laura, seen));

        Assert.Equal(new RestoreCompany.Current(yelp, Deleted: false, Version: seen + 1), conflict.Current);
        Assert.Equal("Someone restored this company while you were looking; nothing was changed. Here it is as it stands now.", conflict.Message);
        Assert.Single(await TimelineAsync(yelp));
    }

    [Fact]
    public async Task A_page_older_than_a_restore_and_a_new_delete_does_not_undo_the_new_delete()
    {
        var yelp = await DeletedAsync("Yelp");
        var seen = (await CompanyRowAsync(yelp)).Version;
        Assert.IsType<Done<RestoreCompany.Restored>>(await Restore(yelp, Laura, seen));
        Assert.IsType<Done<DeleteCompany.Deleted>>(await Run<DeleteCompany>(u => u.RunAsync(new DeleteCompany.Input(yelp), Armin, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<RestoreCompany.Current>>(await Restore(yelp, Laura, seen));

        var company = await CompanyRowAsync(yelp);
        Assert.Equal((Armin.UserId, true, company.Version), (company.DeletedByUserId, conflict.Current.Deleted, conflict.Current.Version));
        Assert.StartsWith("Someone changed this company while you were looking, so it was not restored.", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await TimelineAsync(yelp)).Count(t => t.Kind == CompanyTimeline.CompanyRestored));
    }
}
