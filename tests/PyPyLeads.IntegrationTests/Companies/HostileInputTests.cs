using System.Net;
using Microsoft.EntityFrameworkCore;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class HostileInputTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Theory]
    [InlineData("<script>alert('pwned')</script>")]
    [InlineData("Robert'); DROP TABLE Companies;--")]
    [InlineData("\u202Eevil.exe\u202C Corp")]          // right-to-left override
    [InlineData("\u200Fשלום Ltd")]                     // right-to-left mark and Hebrew
    [InlineData("\" onmouseover=\"alert(1)")]
    public async Task Hostile_text_is_stored_exactly_and_shown_encoded_everywhere(string hostile)
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, hostile, hostile, F("PersonRole", hostile), F("Note", hostile + "\n" + hostile));

        var company = await _app.DbAsync(db => db.Companies.Include(c => c.People).SingleAsync());
        Assert.Equal(hostile, company.Name);
        Assert.Equal(hostile, company.People.Single().Name);
        Assert.Equal(hostile + "\n" + hostile, await _app.DbAsync(db => db.Encounters.Select(e => e.Note).SingleAsync()));
        Assert.Equal(8, await _app.DbAsync(db => db.TourStops.CountAsync())); // no SQL ran from the text

        foreach (var url in new[] { $"/companies/{id}", "/companies", $"/companies/{id}/edit", $"/people/{company.People.Single().Id}/edit", $"/companies/{id}/merge?q=a" })
        {
            var html = await admin.GetStringAsync(url);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("\" onmouseover=\"alert(1)", html, StringComparison.Ordinal);
        }
        var page = await admin.GetPageAsync($"/companies/{id}");
        Assert.Equal(hostile, page.QuerySelector("[data-testid=company-name]")!.TextContent.Trim());
        Assert.Equal(hostile, page.QuerySelector("[data-testid=person] strong")!.TextContent.Trim());
        Assert.Equal([hostile], (await admin.GetPageAsync("/companies")).CompanyNames());
    }

    [Fact]
    public async Task Ten_thousand_character_strings_are_refused_beside_each_field_and_nothing_is_saved()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var huge = new string('A', 10_000);
        var response = await admin.SubmitAsync("/log-contact", "/log-contact",
            [F("CompanyName", huge), F("CompanyDomain", huge), F("PersonName", huge), F("PersonRole", huge), F("PersonEmail", huge), F("PersonPhone", huge), F("Note", huge)]);
        var page = await response.PageAsync();
        Assert.Equal("Company: at most 200 characters (this has 10000).", page.FieldError("CompanyName"));
        Assert.Equal("Web domain: at most 253 characters (this has 10000).", page.FieldError("CompanyDomain"));
        Assert.Equal("Name: at most 200 characters (this has 10000).", page.FieldError("PersonName"));
        Assert.Equal("Role: at most 100 characters (this has 10000).", page.FieldError("PersonRole"));
        Assert.Equal("E-mail: at most 254 characters (this has 10000).", page.FieldError("PersonEmail"));
        Assert.Equal("Phone: at most 50 characters (this has 10000).", page.FieldError("PersonPhone"));
        Assert.Equal("Note: at most 4000 characters (this has 10000).", page.FieldError("Note"));
        Assert.Equal(huge, page.QuerySelector("input[name=CompanyName]")!.GetAttribute("value"));
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));

        var id = await LogContactAsync(admin, "Yelp");
        var edit = await (await admin.SubmitAsync($"/companies/{id}/edit", $"/companies/{id}/edit", [F("Notes", huge), F("City", huge)])).PageAsync();
        Assert.Equal("Notes: at most 4000 characters (this has 10000).", edit.FieldError("Notes"));
        Assert.Equal("City: at most 100 characters (this has 10000).", edit.FieldError("City"));
        Assert.Null(await _app.DbAsync(db => db.Companies.Select(c => c.City).SingleAsync()));
    }

    [Fact]
    public async Task Control_characters_are_refused_in_single_line_fields()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var response = await admin.SubmitAsync("/log-contact", "/log-contact",
            [F("CompanyName", "Yelp\u0007\u0008"), F("PersonName", "Jane\nDoe"), F("Note", "fine\nand\ttabbed, but \u001b[31m not")]);
        var page = await response.PageAsync();
        Assert.Equal("Company: remove the control characters (line breaks, tabs...).", page.FieldError("CompanyName"));
        Assert.Equal("Name: remove the control characters (line breaks, tabs...).", page.FieldError("PersonName"));
        Assert.Equal("Note: remove the control characters.", page.FieldError("Note"));
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task Unknown_or_hostile_ids_in_urls_and_forms_are_not_found_or_refused_never_a_500()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp");
        foreach (var url in new[] { "/companies/999999", "/companies/999999/edit", "/people/999999/edit", "/companies/999999/merge", "/companies/import/00000000-0000-0000-0000-000000000000", "/companies/1%27%20OR%201=1" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(url)).StatusCode);
        }
        var responses = new[]
        {
            await admin.SubmitAsync("/log-contact", "/log-contact", [F("CompanyName", "X"), F("CompanyId", "999999")]),
            await admin.SubmitAsync("/log-contact", "/log-contact", [F("CompanyName", "X"), F("UseCompanyId", "abc"), F("Interests", "Bribery"), F("MetBy", "no-such-user")]),
            await admin.SubmitAsync($"/companies/{id}/edit", $"/companies/{id}/edit", [F("Version", "not-a-number"), F("Source", "Bribery")]),
        };
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    public void Dispose() => _app.Dispose();
}
