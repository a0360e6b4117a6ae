using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Timeline;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class CompanyPageAndEditTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task The_timeline_is_newest_first_and_shows_entries_of_any_feature_encoded()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp", "Jane Doe");
        // An entry another feature would write (follow-ups), later than the encounter.
        await _app.DbAsync(async db =>
        {
            db.Timeline.Add(new TimelineEntry
            {
                CompanyId = id, AtUtc = AtYelpTalk.UtcDateTime.AddHours(2), Kind = "followup.scheduled",
                Summary = "Follow-up <b>scheduled</b>", Details = "Call Jane\nbefore PyCon", ActorName = "Armin Rigo",
            });
            return await db.SaveChangesAsync();
        });

        var html = await admin.GetStringAsync($"/companies/{id}");
        Assert.DoesNotContain("<b>scheduled</b>", html, StringComparison.Ordinal);
        var page = Forms.Parse(html);
        var entries = page.QuerySelectorAll("[data-testid=timeline-entry]").ToList();
        Assert.Equal(["followup.scheduled", "encounter", "company.created"], entries.Select(e => e.GetAttribute("data-kind")));
        Assert.Contains("Follow-up <b>scheduled</b>", entries[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Call Jane\nbefore PyCon", entries[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("by Armin Rigo", entries[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Fri 4 Mar 2011, 05:30 CET", entries[0].TextContent, StringComparison.Ordinal);
        // The spot where other features put their buttons, and the assignment shown but not edited here.
        Assert.NotNull(page.QuerySelector("[data-testid=company-actions] a[href='/companies/" + id + "/edit']"));
        Assert.Equal("Not yet assigned", page.QuerySelector("[data-testid=company-consultancy]")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_company_with_many_people_shows_the_first_by_name_and_all_on_request()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp", "Aaron Aardvark");
        var extra = PyPyLeads.Web.Features.Companies.CompaniesController.PeopleShown + 10;
        await _app.DbAsync(async db =>
        {
            for (var i = 0; i < extra; i++)
            {
                db.People.Add(new Person { CompanyId = id, Name = $"Person {i:D3}", CreatedAtUtc = AtYelpTalk.UtcDateTime });
            }
            return await db.SaveChangesAsync();
        });

        var page = await admin.GetPageAsync($"/companies/{id}");
        var shown = page.QuerySelectorAll("[data-testid=person]").Select(p => p.QuerySelector("strong")!.TextContent).ToList();
        Assert.Equal(PyPyLeads.Web.Features.Companies.CompaniesController.PeopleShown, shown.Count);
        Assert.Equal("Aaron Aardvark", shown[0]);
        Assert.Equal($"Show all {extra + 1} people", page.QuerySelector("[data-testid=all-people]")!.TextContent.Trim());

        var all = await admin.GetPageAsync(page.QuerySelector("[data-testid=all-people]")!.GetAttribute("href")!);
        Assert.Equal(extra + 1, all.QuerySelectorAll("[data-testid=person]").Length);
        Assert.Null(all.QuerySelector("[data-testid=all-people]"));
    }

    [Fact]
    public async Task The_assignment_is_shown_and_filtered_on_but_not_editable_here()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp");
        await _app.DbAsync(db => db.Companies.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsultancyId, 2)));

        var page = await admin.GetPageAsync($"/companies/{id}");
        Assert.Equal("merlinux", page.QuerySelector("[data-testid=company-consultancy]")!.TextContent.Trim());
        var edit = await admin.GetPageAsync($"/companies/{id}/edit");
        Assert.Null(edit.QuerySelector("[name=ConsultancyId]"));
        // A posted ConsultancyId is ignored.
        await admin.SubmitAsync($"/companies/{id}/edit", $"/companies/{id}/edit", [F("City", "San Francisco"), F("ConsultancyId", "1")]);
        Assert.Equal(2, await _app.DbAsync(db => db.Companies.Select(c => c.ConsultancyId).SingleAsync()));
    }

    [Fact]
    public async Task An_edit_is_on_the_timeline_with_who_changed_which_field_from_what_to_what()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp", null, F("CompanyDomain", "yelp.com"));
        var response = await admin.SubmitAsync($"/companies/{id}/edit", $"/companies/{id}/edit",
            [F("City", "San Francisco"), F("Industry", "Local reviews"), F("WebDomain", "www.yelp.com")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var entry = await _app.DbAsync(db => db.Timeline.SingleAsync(t => t.Kind == CompanyTimeline.CompanyEdited));
        Assert.Equal("Laura Creighton changed Web domain, City and Industry", entry.Summary);
        Assert.Equal("Web domain: “yelp.com” → “www.yelp.com”\nCity: (empty) → “San Francisco”\nIndustry: (empty) → “Local reviews”", entry.Details);
        Assert.Equal("Laura Creighton", entry.ActorName);
        var page = await admin.GetPageAsync($"/companies/{id}");
        Assert.Contains("City: (empty) → “San Francisco”", page.QuerySelector("[data-kind='company.edited']")!.TextContent, StringComparison.Ordinal);
        // The list's search finds it by its new city.
        Assert.Equal(["Yelp"], (await admin.GetPageAsync("/companies?q=francisco")).CompanyNames());
    }

    [Fact]
    public async Task Two_people_editing_the_same_company_the_second_save_is_refused_with_the_first_ones_values_shown()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var armin = await People.MemberAsync(_app, admin, "Armin Rigo", "armin@example.org");
        var id = await LogContactAsync(admin, "Yelp");
        var url = $"/companies/{id}/edit";
        var lauraForm = await admin.GetPageAsync(url);
        var arminForm = await armin.GetPageAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(lauraForm, url, [F("City", "San Francisco"), F("Notes", "Laura's note")])).StatusCode);
        var refused = await (await armin.SubmitAsync(arminForm, url, [F("City", "Mountain View")])).PageAsync();

        Assert.Contains("Laura Creighton saved this company while you were editing it", refused.QuerySelector("[data-testid=conflict]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Saved meanwhile: “San Francisco”", refused.QuerySelector("[data-testid=theirs-City]")!.TextContent);
        Assert.Equal("Saved meanwhile: “Laura's note”", refused.QuerySelector("[data-testid=theirs-Notes]")!.TextContent);
        Assert.Equal("Mountain View", refused.QuerySelector("input[name=City]")!.GetAttribute("value")); // his typing is kept
        Assert.Equal("San Francisco", await _app.DbAsync(db => db.Companies.Select(c => c.City).SingleAsync()));

        // Saving again, knowingly, keeps his value.
        Assert.Equal(HttpStatusCode.Redirect, (await armin.SubmitAsync(refused, url, [])).StatusCode);
        var company = await _app.DbAsync(db => db.Companies.SingleAsync());
        Assert.Equal("Mountain View", company.City);
        Assert.Null(company.Notes); // his form had no note: what he saw and saved
    }

    [Fact]
    public async Task Two_people_editing_the_same_person_the_second_save_is_refused()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var armin = await People.MemberAsync(_app, admin, "Armin Rigo", "armin@example.org");
        await LogContactAsync(admin, "Yelp", "Jane Doe");
        var personId = await _app.DbAsync(db => db.People.Select(p => p.Id).SingleAsync());
        var url = $"/people/{personId}/edit";
        var hers = await admin.GetPageAsync(url);
        var his = await armin.GetPageAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(hers, url, [F("Role", "CTO")])).StatusCode);
        var refused = await (await armin.SubmitAsync(his, url, [F("Role", "CEO")])).PageAsync();
        Assert.Equal("Saved meanwhile: “CTO”", refused.QuerySelector("[data-testid=theirs-Role]")!.TextContent);
        Assert.Equal("CTO", await _app.DbAsync(db => db.People.Select(p => p.Role).SingleAsync()));
        var entry = await _app.DbAsync(db => db.Timeline.SingleAsync(t => t.Kind == CompanyTimeline.PersonEdited));
        Assert.Equal("Role: (empty) → “CTO”", entry.Details);
    }

    [Fact]
    public async Task Editing_into_another_companys_name_or_domain_is_refused_with_the_offer_to_merge()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", null, F("CompanyDomain", "yelp.com"));
        var other = await LogContactAsync(admin, "Qype", null);
        var page = await (await admin.SubmitAsync($"/companies/{other}/edit", $"/companies/{other}/edit", [F("Name", "YELP Inc")])).PageAsync();
        Assert.Equal("Another company, “Yelp”, has the same name. Merge the two instead.", page.FieldError("Name"));
        Assert.NotNull(page.QuerySelector($"a[href='/companies/{other}/merge?with={yelp}']"));
        page = await (await admin.SubmitAsync($"/companies/{other}/edit", $"/companies/{other}/edit", [F("WebDomain", "http://www.Yelp.com/biz")])).PageAsync();
        Assert.Equal("Another company, “Yelp”, has the same web domain. Merge the two instead.", page.FieldError("WebDomain"));
        Assert.Equal("Qype", await _app.DbAsync(db => db.Companies.Where(c => c.Id == other).Select(c => c.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_person_can_be_added_on_the_company_page_and_the_same_email_is_refused()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp", "Jane Doe", F("PersonEmail", "jane@yelp.com"));
        var url = $"/companies/{id}/people/new";
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(url, url, [F("Name", "Jacob Hallén"), F("Email", "jacob@yelp.com")])).StatusCode);
        var refused = await (await admin.SubmitAsync(url, url, [F("Name", "Jane Again"), F("Email", "Jane@Yelp.com")])).PageAsync();
        Assert.Equal("Jane Doe at Yelp has this e-mail address already.", refused.FieldError("Email"));
        Assert.Equal(["Jacob Hallén", "Jane Doe"], (await admin.GetPageAsync($"/companies/{id}")).QuerySelectorAll("[data-testid=person] strong").Select(e => e.TextContent));
    }

    public void Dispose() => _app.Dispose();
}
