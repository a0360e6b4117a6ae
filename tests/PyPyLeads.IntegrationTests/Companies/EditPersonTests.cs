using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The edit-a-person use case, called directly on a real SQLite file.</summary>
public sealed class EditPersonTests : CompanyUseCaseTests
{
    private Task<Outcome> Edit(int personId, Caller caller, string? name = "Jane Doe", string? role = null, string? email = null, string? phone = null, long version = 0) =>
        Run<EditPerson>(u => u.RunAsync(new EditPerson.Input(personId, name, role, email, phone, version), caller, CancellationToken.None));

    private Task<Person> PersonRowAsync(int id) => Rig.DbAsync(db => db.People.AsNoTracking().SingleAsync(p => p.Id == id));

    [Fact]
    public async Task A_member_edits_a_person_at_a_company_of_their_consultancy_and_the_timeline_lists_the_changes()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => c.ConsultancyId = Consultancy.OpenEndId);
        var jane = await PersonAsync(yelp, "Jane Doe");

        var outcome = await Edit(jane, Armin, role: "CTO", email: "Jane@Yelp.com ");

        var saved = Assert.IsType<Done<EditPerson.Saved>>(outcome).Value;
        Assert.Equal((yelp, "Saved: Role and E-mail of Jane Doe changed."), (saved.CompanyId, saved.Message));
        var person = await PersonRowAsync(jane);
        Assert.Equal(("CTO", "Jane@Yelp.com", "jane@yelp.com", 1L), (person.Role, person.Email, person.EmailKey, person.Version));
        var entry = Assert.Single(await TimelineAsync(yelp));
        Assert.Equal((CompanyTimeline.PersonEdited, "Armin Rigo changed Role and E-mail of Jane Doe", "Armin Rigo"), (entry.Kind, entry.Summary, entry.ActorName));
        Assert.Equal("Role: (empty) → “CTO”\nE-mail: (empty) → “Jane@Yelp.com”", entry.Details);
        Assert.Contains("jane@yelp.com", await SearchTermsAsync(yelp));
    }

    [Fact]
    public async Task Saving_the_same_values_changes_nothing_and_says_so()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe", "jane@yelp.com");

        Assert.Equal("Nothing changed.", Assert.IsType<Done<EditPerson.Saved>>(await Edit(jane, Armin, email: "jane@yelp.com")).Value.Message);
        Assert.Empty(await TimelineAsync(yelp));
    }

    [Fact]
    public async Task A_save_over_a_version_the_editor_did_not_see_is_refused_with_the_other_persons_values_and_name()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe");
        Assert.IsType<Done<EditPerson.Saved>>(await Edit(jane, Laura, role: "CTO"));

        var conflict = Assert.IsType<Conflict<EditPerson.Current>>(await Edit(jane, Armin, role: "CEO", version: 0));

        Assert.Equal(("CTO", 1L, "Laura Creighton"), (conflict.Current.Role, conflict.Current.Version, conflict.Current.EditedBy));
        Assert.Equal("CTO", (await PersonRowAsync(jane)).Role);
    }

    [Fact]
    public async Task Another_persons_email_address_at_the_same_company_is_refused_with_the_offer_to_merge()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        await PersonAsync(yelp, "Jane Doe", "jane@yelp.com");
        var other = await PersonAsync(yelp, "J. Doe");
        var google = await Rig.CompanyAsync("Google");
        var elsewhere = await PersonAsync(google, "Jane at Google");

        var invalid = Assert.IsType<Invalid>(await Edit(other, Armin, name: "J. Doe", email: "JANE@yelp.com"));

        Assert.Equal(new FieldError("Email", "Jane Doe has this e-mail address at the same company. Merge the two instead."), Assert.Single(invalid.Errors));
        Assert.Null((await PersonRowAsync(other)).Email);
        Assert.IsType<Done<EditPerson.Saved>>(await Edit(elsewhere, Armin, name: "Jane at Google", email: "jane@yelp.com")); // another company: fine
    }

    [Theory]
    [InlineData("", null, "Name", "Enter the person's name.")]
    [InlineData("Jane Doe", "jane at yelp", "Email", "This is not an e-mail address.")]
    public async Task Invalid_fields_are_refused_beside_the_field(string name, string? email, string field, string message)
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe");

        var invalid = Assert.IsType<Invalid>(await Edit(jane, Armin, name: name, email: email));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal(0L, (await PersonRowAsync(jane)).Version);
    }

    [Fact]
    public async Task A_merged_person_is_not_found()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe");
        await Rig.DbAsync(db => db.People.Where(p => p.Id == jane).ExecuteUpdateAsync(s => s.SetProperty(p => p.DeletedAtUtc, DateTime.UtcNow)));

        Assert.IsType<NotFound>(await Edit(jane, Laura, role: "CTO"));
        Assert.IsType<NotFound>(await Edit(999_999, Laura));
    }
}
