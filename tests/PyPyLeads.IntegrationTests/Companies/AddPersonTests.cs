using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The add-a-person use case, called directly on a real SQLite file.</summary>
public sealed class AddPersonTests : CompanyUseCaseTests
{
    private Task<Outcome> Add(int companyId, Caller caller, string? name, string? email = null, string? role = null, string? phone = null) =>
        Run<AddPerson>(u => u.RunAsync(new AddPerson.Input(companyId, name, role, email, phone), caller, CancellationToken.None));

    [Fact]
    public async Task A_member_adds_a_person_at_a_company_of_their_consultancy_and_the_timeline_says_who()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => c.ConsultancyId = Consultancy.OpenEndId);

        var outcome = await Add(yelp, Armin, " Jacob Hallén ", " jacob@yelp.com ", "CTO", "+1 415 555 0100");

        var added = Assert.IsType<Done<AddPerson.Added>>(outcome).Value;
        Assert.Equal("Added Jacob Hallén.", added.Message);
        var person = await Rig.DbAsync(db => db.People.SingleAsync(p => p.Id == added.PersonId));
        Assert.Equal((yelp, "Jacob Hallén", "CTO", "jacob@yelp.com", "jacob@yelp.com", "+1 415 555 0100"),
            (person.CompanyId, person.Name, person.Role, person.Email, person.EmailKey, person.Phone));
        var entry = Assert.Single(await TimelineAsync(yelp));
        Assert.Equal((CompanyTimeline.PersonAdded, "Armin Rigo added Jacob Hallén (CTO)", "Armin Rigo", "Person", (long?)added.PersonId),
            (entry.Kind, entry.Summary, entry.ActorName, entry.SubjectType, entry.SubjectId));
        Assert.Contains("hallen", await SearchTermsAsync(yelp));
    }

    [Fact]
    public async Task An_email_address_already_at_the_company_is_refused_beside_the_email_field()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        await PersonAsync(yelp, "Jane Doe", "jane@yelp.com");

        var duplicates = Assert.IsType<DuplicatesFound<PersonMatch>>(await Add(yelp, Armin, "Jane Again", "Jane@Yelp.com"));

        Assert.Equal(("Email", "Jane Doe at Yelp has this e-mail address already."), (duplicates.Field, duplicates.Message));
        Assert.Equal("Jane Doe", Assert.Single(duplicates.Matches).Name);
        Assert.Equal(1, await Rig.DbAsync(db => db.People.CountAsync()));
    }

    [Fact]
    public async Task The_same_email_address_at_another_company_or_of_a_merged_person_is_fine()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var google = await Rig.CompanyAsync("Google");
        await PersonAsync(google, "Jane Doe", "jane@yelp.com");
        var merged = await PersonAsync(yelp, "J. Doe", "jane@yelp.com");
        await Rig.DbAsync(db => db.People.Where(p => p.Id == merged).ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAtUtc, DateTime.UtcNow)));

        Assert.IsType<Done<AddPerson.Added>>(await Add(yelp, Armin, "Jane Doe", "jane@yelp.com"));
    }

    [Theory]
    [InlineData("", null, null, "Name", "Enter the person's name.")]
    [InlineData("Jane\nDoe", null, null, "Name", "Name: remove the control characters (line breaks, tabs...).")]
    [InlineData("Jane Doe", "not-an-address", null, "Email", "This is not an e-mail address.")]
    [InlineData("Jane Doe", null, "call me", "Phone", "Enter a phone number: digits, spaces and + - ( ) . /")]
    public async Task Invalid_fields_are_refused_beside_the_field_and_nobody_is_added(string name, string? email, string? phone, string field, string message)
    {
        var yelp = await Rig.CompanyAsync("Yelp");

        var invalid = Assert.IsType<Invalid>(await Add(yelp, Armin, name, email, phone: phone));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal(0, await Rig.DbAsync(db => db.People.CountAsync()));
    }

    [Fact]
    public async Task A_deleted_company_is_not_found()
    {
        var gone = await Rig.CompanyAsync("Gone Inc", c => c.DeletedAtUtc = DateTime.UtcNow);

        Assert.IsType<NotFound>(await Add(gone, Laura, "Jane Doe"));
        Assert.Equal(0, await Rig.DbAsync(db => db.People.CountAsync()));
    }
}
