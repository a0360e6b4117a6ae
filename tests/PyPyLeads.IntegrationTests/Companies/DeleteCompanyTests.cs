using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The delete-a-company use case, called directly on a real SQLite file.</summary>
public sealed class DeleteCompanyTests : CompanyUseCaseTests
{
    private Task<Outcome> Delete(int id, Caller caller) =>
        Run<DeleteCompany>(u => u.RunAsync(new DeleteCompany.Input(id), caller, CancellationToken.None));

    [Fact]
    public async Task A_member_deletes_a_company_of_their_consultancy_and_the_timeline_says_who()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => c.ConsultancyId = Consultancy.OpenEndId);

        var outcome = await Delete(yelp, Armin);

        Assert.Equal("Deleted. It no longer shows in the list or in search; an admin can restore it.",
            Assert.IsType<Done<DeleteCompany.Deleted>>(outcome).Value.Message);
        var company = await CompanyRowAsync(yelp);
        Assert.Equal((Clock.GetUtcNow().UtcDateTime, Armin.UserId, 1L), (company.DeletedAtUtc, company.DeletedByUserId, company.Version));
        var entry = Assert.Single(await TimelineAsync(yelp));
        Assert.Equal((CompanyTimeline.CompanyDeleted, "Armin Rigo deleted this company", "Armin Rigo"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task Deleting_twice_deletes_once_and_writes_one_timeline_entry()
    {
        var yelp = await Rig.CompanyAsync("Yelp");

        Assert.IsType<Done<DeleteCompany.Deleted>>(await Delete(yelp, Armin));
        Assert.IsType<NotFound>(await Delete(yelp, Laura)); // a second tab, a double tap

        Assert.Equal(Armin.UserId, (await CompanyRowAsync(yelp)).DeletedByUserId);
        Assert.Single(await TimelineAsync(yelp));
    }

    [Fact]
    public async Task An_unknown_company_is_not_found()
    {
        Assert.IsType<NotFound>(await Delete(999_999, Laura));
        Assert.Equal(0, await Rig.DbAsync(db => db.Timeline.CountAsync()));
    }
}
