using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The edit-a-company use case, called directly on a real SQLite file.</summary>
public sealed class EditCompanyTests : CompanyUseCaseTests
{
    private Task<Outcome> Edit(int id, Caller caller, string? name = "Yelp", string? webDomain = "yelp.com", string? city = null, string? notes = null,
        LeadSource? source = LeadSource.Other, int? stop = null, long version = 0) =>
        Run<EditCompany>(u => u.RunAsync(new EditCompany.Input(id, name, webDomain, city, null, null, notes, source, stop, version), caller, CancellationToken.None));

    private Task<int> YelpAsync() => Rig.CompanyAsync("Yelp", c =>
    {
        c.WebDomain = "yelp.com";
        c.DomainKey = "yelp.com";
        c.Source = LeadSource.Other;
    });

    [Fact]
    public async Task An_edit_saves_the_fields_and_the_timeline_lists_each_change_by_the_editors_display_name()
    {
        var yelp = await YelpAsync();

        var outcome = await Edit(yelp, Armin, webDomain: "https://www.yelp.com/about", city: " San Francisco ");

        Assert.Equal("Saved: Web domain and City changed.", Assert.IsType<Done<EditCompany.Saved>>(outcome).Value.Message);
        var company = await CompanyRowAsync(yelp);
        Assert.Equal(("https://www.yelp.com/about", "yelp.com", "San Francisco", 1L), (company.WebDomain, company.DomainKey, company.City, company.Version));
        var entry = Assert.Single(await TimelineAsync(yelp));
        Assert.Equal((CompanyTimeline.CompanyEdited, "Armin Rigo changed Web domain and City", "Armin Rigo", Clock.GetUtcNow().UtcDateTime),
            (entry.Kind, entry.Summary, entry.ActorName, entry.AtUtc));
        Assert.Equal("Web domain: “yelp.com” → “https://www.yelp.com/about”\nCity: (empty) → “San Francisco”", entry.Details);
        Assert.Contains("francisco", await SearchTermsAsync(yelp)); // found by its new city
    }

    [Fact]
    public async Task An_admin_edits_a_company_whichever_consultancy_it_is_assigned_to()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => c.ConsultancyId = Consultancy.MerlinuxId);

        Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Laura, webDomain: null, city: "San Francisco"));
        Assert.Equal(Consultancy.MerlinuxId, (await CompanyRowAsync(yelp)).ConsultancyId); // the assignment is not the edit's
    }

    [Fact]
    public async Task Saving_the_same_values_changes_nothing_and_says_so()
    {
        var yelp = await YelpAsync();

        Assert.Equal("Nothing changed.", Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Armin, name: " Yelp ")).Value.Message);
        Assert.Empty(await TimelineAsync(yelp));
        Assert.Equal(0L, (await CompanyRowAsync(yelp)).Version);
    }

    [Fact]
    public async Task A_save_over_a_version_the_editor_did_not_see_is_refused_with_the_other_persons_values_and_name()
    {
        var yelp = await YelpAsync();
        Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Laura, city: "San Francisco", notes: "Laura's note"));

        var outcome = await Edit(yelp, Armin, city: "Mountain View", version: 0);

        var conflict = Assert.IsType<Conflict<EditCompany.Current>>(outcome);
        Assert.Equal(("San Francisco", "Laura's note", 1L, "Laura Creighton"),
            (conflict.Current.City, conflict.Current.Notes, conflict.Current.Version, conflict.Current.EditedBy));
        Assert.Equal("San Francisco", (await CompanyRowAsync(yelp)).City);
        Assert.Single(await TimelineAsync(yelp));
        // Saving again on the version now shown keeps the second editor's value.
        Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Armin, city: "Mountain View", version: 1));
        Assert.Equal("Mountain View", (await CompanyRowAsync(yelp)).City);
    }

    [Theory]
    [InlineData("YELP Inc", "qype.com", "Name", "Another company, “Yelp”, has the same name. Merge the two instead.")]
    [InlineData("Qype", "http://www.Yelp.com/biz", "WebDomain", "Another company, “Yelp”, has the same web domain. Merge the two instead.")]
    public async Task The_name_or_web_domain_of_another_live_company_is_refused_with_it_offered_to_merge(string name, string domain, string field, string message)
    {
        var yelp = await YelpAsync();
        var qype = await Rig.CompanyAsync("Qype", c => c.WebDomain = c.DomainKey = "qype.com");

        var found = Assert.IsType<DuplicatesFound<CompanyMatch>>(await Edit(qype, Armin, name: name, webDomain: domain));

        Assert.Equal((field, message), (found.Field, found.Message));
        Assert.Equal(yelp, Assert.Single(found.Matches).Id);
        Assert.Equal("Qype", (await CompanyRowAsync(qype)).Name);
    }

    [Fact]
    public async Task A_deleted_company_does_not_hold_its_name()
    {
        await Rig.CompanyAsync("Yelp", c => c.DeletedAtUtc = DateTime.UtcNow);
        var qype = await Rig.CompanyAsync("Qype");

        Assert.IsType<Done<EditCompany.Saved>>(await Edit(qype, Armin, name: "Yelp", webDomain: null));
    }

    [Theory]
    [InlineData("", null, LeadSource.Other, null, "Name", "Enter the company's name.")]
    [InlineData("Yelp\nInc", null, LeadSource.Other, null, "Name", "Name: remove the control characters (line breaks, tabs...).")]
    [InlineData("Yelp", "not a domain", LeadSource.Other, null, "WebDomain", "Enter a web domain such as yelp.com (a web address works too).")]
    [InlineData("Yelp", null, null, null, "Source", "Choose how the company came to us.")]
    [InlineData("Yelp", null, (LeadSource)42, null, "Source", "Choose how the company came to us.")]
    [InlineData("Yelp", null, LeadSource.TourStop, null, "SourceTourStopId", "Choose the tour stop.")]
    [InlineData("Yelp", null, LeadSource.TourStop, 999, "SourceTourStopId", "Choose a tour stop from the list.")]
    public async Task Invalid_fields_are_refused_beside_the_field_and_nothing_is_saved(string name, string? domain, LeadSource? source, int? stop, string field, string message)
    {
        var yelp = await YelpAsync();

        var invalid = Assert.IsType<Invalid>(await Edit(yelp, Armin, name: name, webDomain: domain, source: source, stop: stop));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal(0L, (await CompanyRowAsync(yelp)).Version);
    }

    [Fact]
    public async Task Ten_thousand_characters_are_refused_with_the_limit_and_the_length()
    {
        var yelp = await YelpAsync();

        var invalid = Assert.IsType<Invalid>(await Edit(yelp, Armin, city: new string('A', 10_000), notes: new string('B', 10_000)));

        Assert.Contains(new FieldError("City", "City: at most 100 characters (this has 10000)."), invalid.Errors);
        Assert.Contains(new FieldError("Notes", "Notes: at most 4000 characters (this has 10000)."), invalid.Errors);
    }

    [Fact]
    public async Task A_tour_stop_is_kept_only_for_a_company_met_at_one()
    {
        var yelp = await YelpAsync();
        var stop = ReferenceData.TourStops[0];

        Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Armin, source: LeadSource.Email, stop: stop.Id));
        Assert.Null((await CompanyRowAsync(yelp)).SourceTourStopId);
        Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Armin, source: LeadSource.TourStop, stop: stop.Id, version: 1));
        Assert.Equal(stop.Id, (await CompanyRowAsync(yelp)).SourceTourStopId);
        Assert.Contains($"Tour stop: (empty) → “{stop.Name}”", (await TimelineAsync(yelp))[^1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_text_is_stored_exactly_as_typed()
    {
        var yelp = await YelpAsync();
        const string hostile = "<script>alert('pwned')</script> Robert'); DROP TABLE Companies;--";

        Assert.IsType<Done<EditCompany.Saved>>(await Edit(yelp, Armin, name: hostile, notes: hostile + "\n" + hostile));

        var company = await CompanyRowAsync(yelp);
        Assert.Equal((hostile, hostile + "\n" + hostile), (company.Name, company.Notes));
    }

    [Fact]
    public async Task A_deleted_company_is_not_found()
    {
        var gone = await Rig.CompanyAsync("Gone Inc", c => c.DeletedAtUtc = DateTime.UtcNow);

        Assert.IsType<NotFound>(await Edit(gone, Laura, name: "Gone Inc", webDomain: null, city: "Atlanta"));
        Assert.IsType<NotFound>(await Edit(999_999, Laura));
    }
}
