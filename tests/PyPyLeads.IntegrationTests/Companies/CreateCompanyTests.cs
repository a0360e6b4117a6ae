using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The new-company use case, called directly on a real SQLite file.</summary>
public sealed class CreateCompanyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(CompanyTestKit.AtYelpTalk);
    private UseCaseRig _rig = null!;
    private Caller _jacob = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _jacob = await _rig.UserAsync("Jacob Hallén", "jacob@openend.se", consultancyId: PyPyLeads.Tour.Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private static CreateCompany.Input Yelp(string name = "Yelp", string? domain = "yelp.com", LeadSource? source = LeadSource.Referral, int? stop = null) =>
        new(name, domain, "San Francisco", "USA", "Reviews", "Met their CTO's friend", source, stop);

    private Task<Outcome> Create(CreateCompany.Input input) =>
        _rig.RunAsync<CreateCompany, Outcome>(u => u.RunAsync(input, _jacob, CancellationToken.None));

    [Fact]
    public async Task A_company_is_added_unassigned_with_its_fields_and_the_timeline_names_who_added_it()
    {
        var done = Assert.IsType<Done<CreateCompany.Created>>(await Create(Yelp(domain: "https://www.yelp.com/about")));

        Assert.Equal("Added Yelp.", done.Value.Message);
        var company = await _rig.DbAsync(db => db.Companies.SingleAsync(c => c.Id == done.Value.CompanyId));
        Assert.Equal(("Yelp", "https://www.yelp.com/about", "yelp.com", "San Francisco", LeadSource.Referral, (int?)null, _jacob.UserId, _clock.GetUtcNow().UtcDateTime),
            (company.Name, company.WebDomain, company.DomainKey, company.City, company.Source, company.ConsultancyId, company.CreatedByUserId, company.CreatedAtUtc));
        var entry = await _rig.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == company.Id));
        Assert.Equal((CompanyTimeline.CompanyCreated, "Jacob Hallén added this company", "Jacob Hallén"), (entry.Kind, entry.Summary, entry.ActorName));
        Assert.True(await _rig.DbAsync(db => db.CompanySearchTerms.AnyAsync(t => t.CompanyId == company.Id)), "the search finds it");
    }

    [Theory]
    [InlineData("YELP", "other.example", "Name", "“Yelp” is already here (same name). Open it, or change the name.")]
    [InlineData("Yelp Reviews", "http://yelp.com/", "WebDomain", "“Yelp” is already here (same web domain). Open it, or change the web domain.")]
    public async Task A_company_that_is_already_here_by_name_or_domain_is_offered_instead_and_nothing_is_created(string name, string domain, string field, string message)
    {
        var existing = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));

        var duplicates = Assert.IsType<DuplicatesFound<CompanyMatch>>(await Create(Yelp(name, domain)));

        Assert.Equal((field, message), (duplicates.Field, duplicates.Message));
        Assert.Equal(existing, Assert.Single(duplicates.Matches).Id);
        Assert.Equal(1, await _rig.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_deleted_company_of_the_same_name_does_not_stand_in_the_way()
    {
        await _rig.CompanyAsync("Yelp", c => c.DeletedAtUtc = DateTime.UtcNow);

        Assert.IsType<Done<CreateCompany.Created>>(await Create(Yelp()));
    }

    [Fact]
    public async Task Two_people_adding_the_same_company_at_once_make_one_and_the_other_is_offered_it()
    {
        var outcomes = await Task.WhenAll(Create(Yelp()), Create(Yelp(domain: null)));

        Assert.Single(outcomes.OfType<Done<CreateCompany.Created>>());
        Assert.Single(outcomes.OfType<DuplicatesFound<CompanyMatch>>());
        Assert.Equal(1, await _rig.DbAsync(db => db.Companies.CountAsync()));
    }

    [Theory]
    [InlineData("", "yelp.com", "Name", "Enter the company's name.")]
    [InlineData("Yelp\u0000", "yelp.com", "Name", "Name: remove the control characters (line breaks, tabs...).")]
    [InlineData("Yelp", "not a domain", "WebDomain", "Enter a web domain such as yelp.com (a web address works too).")]
    public async Task Bad_input_is_refused_beside_its_field(string name, string domain, string field, string message)
    {
        var invalid = Assert.IsType<Invalid>(await Create(Yelp(name, domain)));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal(0, await _rig.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_company_met_at_a_tour_stop_names_one_of_the_stops()
    {
        Assert.Contains(new FieldError("SourceTourStopId", "Choose the tour stop."), Assert.IsType<Invalid>(await Create(Yelp(source: LeadSource.TourStop))).Errors);
        Assert.Contains(new FieldError("SourceTourStopId", "Choose a tour stop from the list."),
            Assert.IsType<Invalid>(await Create(Yelp(source: LeadSource.TourStop, stop: 99))).Errors);

        var done = Assert.IsType<Done<CreateCompany.Created>>(await Create(Yelp(source: LeadSource.TourStop, stop: 2)));
        Assert.Equal(2, await _rig.DbAsync(db => db.Companies.Where(c => c.Id == done.Value.CompanyId).Select(c => c.SourceTourStopId).SingleAsync()));
    }
}
