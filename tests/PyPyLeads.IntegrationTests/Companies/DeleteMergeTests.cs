using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class DeleteMergeTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task A_deleted_company_leaves_list_and_search_but_not_the_audit_and_only_an_admin_restores_it()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var member = await People.MemberAsync(_app, admin, "Armin Rigo", "armin@example.org");
        // Exporting companies is a right an admin gives (the export below checks what a member sees).
        var arminId = await _app.DbAsync(db => db.Users.Where(u => u.Email == "armin@example.org").Select(u => u.Id).SingleAsync());
        People.Expect(await admin.PostFormAsync("/users", new Dictionary<string, string>(), $"/users/{arminId}/export-right"), HttpStatusCode.Redirect, "/users");
        var id = await LogContactAsync(admin, "Yelp", "Jane Doe");
        await LogContactAsync(admin, "Google");
        Assert.Equal("2", Total(await member.GetPageAsync("/companies")));

        Assert.Equal(HttpStatusCode.Redirect, (await member.SubmitAsync($"/companies/{id}/delete", $"/companies/{id}/delete", [])).StatusCode);
        var list = await member.GetPageAsync("/companies");
        Assert.Equal(["Google"], list.CompanyNames());
        Assert.Equal("1", Total(list)); // the count kept for the list moved with the delete
        Assert.Empty((await member.GetPageAsync("/companies?q=jane")).CompanyNames());
        Assert.DoesNotContain("Yelp", await member.GetStringAsync("/companies/export.csv"), StringComparison.Ordinal);

        var page = await member.GetPageAsync($"/companies/{id}");
        Assert.Contains("Deleted on", page.QuerySelector("[data-testid=deleted-banner]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["company.deleted", "encounter", "company.created"], page.QuerySelectorAll("[data-testid=timeline-entry]").Select(e => e.GetAttribute("data-kind")));
        Assert.Null(page.QuerySelector("form[action$='/restore']")); // not for members

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/companies/deleted")).StatusCode);
        var token = (await member.GetPageAsync("/companies")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var memberRestore = await member.PostAsync($"/companies/{id}/restore", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Forbidden, memberRestore.StatusCode);
        Assert.NotNull(await _app.DbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.DeletedAtUtc).SingleAsync()));

        var deleted = await admin.GetPageAsync("/companies/deleted");
        Assert.Contains("Yelp", deleted.QuerySelector("[data-testid=deleted-company]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(deleted, $"/companies/{id}/restore", [])).StatusCode);
        var restored = await admin.GetPageAsync("/companies");
        Assert.Equal(["Google", "Yelp"], restored.CompanyNames());
        Assert.Equal("2", Total(restored));
        Assert.Equal(["Yelp"], (await admin.GetPageAsync("/companies?q=jane")).CompanyNames());
        Assert.Equal(["company.restored", "company.deleted"], (await admin.GetPageAsync($"/companies/{id}")).QuerySelectorAll("[data-testid=timeline-entry]").Take(2).Select(e => e.GetAttribute("data-kind")));
    }

    private static string Total(AngleSharp.Html.Dom.IHtmlDocument list) => list.QuerySelector("[data-testid=company-total]")!.TextContent;

    [Fact]
    public async Task Restore_is_refused_when_a_new_company_has_taken_the_name_meanwhile()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp");
        await admin.SubmitAsync($"/companies/{id}/delete", $"/companies/{id}/delete", []);
        await LogContactAsync(admin, "YELP Inc");
        var page = await admin.GetPageAsync($"/companies/{id}");
        var response = await admin.SubmitAsync(page, $"/companies/{id}/restore", []);
        var after = await admin.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("It cannot be restored: “YELP Inc” now has the same name", after.QuerySelector("[data-testid=flash-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync(c => c.DeletedAtUtc == null)));
    }

    [Fact]
    public async Task Merging_two_companies_moves_everything_to_the_survivor_and_is_on_its_timeline()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe", F("PersonEmail", "jane@yelp.com"));
        var other = await LogContactAsync(admin, "Yelp Europe", "J. Doe", F("PersonEmail", "JANE@yelp.com"), F("PersonPhone", "+44 20 7946 0000"), F("CompanyDomain", "yelp.co.uk"));
        await LogContactAsync(admin, "Yelp Europe", "Jacob Hallén", F("UseCompanyId", other.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var timelineBefore = await _app.DbAsync(db => db.Timeline.CountAsync());

        var choose = await admin.GetPageAsync($"/companies/{yelp}/merge?q=europe");
        Assert.Equal($"/companies/{yelp}/merge?with={other}", choose.QuerySelector("[data-testid=merge-candidate]")!.GetAttribute("href"));
        var confirm = await admin.GetPageAsync($"/companies/{yelp}/merge?with={other}");
        var response = await admin.SubmitAsync(confirm, $"/companies/{yelp}/merge", [F("keep", yelp.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal($"/companies/{yelp}", response.Headers.Location!.OriginalString);

        var people = await _app.DbAsync(db => db.People.Where(p => p.CompanyId == yelp && p.DeletedAtUtc == null).OrderBy(p => p.Name).ToListAsync());
        Assert.Equal(["Jacob Hallén", "Jane Doe"], people.Select(p => p.Name));
        Assert.Equal("+44 20 7946 0000", people[1].Phone); // J. Doe (same e-mail) merged into Jane Doe, the phone kept
        Assert.Equal(3, await _app.DbAsync(db => db.Encounters.CountAsync(e => e.CompanyId == yelp)));
        Assert.Equal(0, await _app.DbAsync(db => db.Encounters.CountAsync(e => e.CompanyId == other)));
        Assert.Equal(timelineBefore + 2, await _app.DbAsync(db => db.Timeline.CountAsync(t => t.CompanyId == yelp))); // + person merge, + company merge
        var gone = await _app.DbAsync(db => db.Companies.SingleAsync(c => c.Id == other));
        Assert.Equal((yelp, true), (gone.MergedIntoCompanyId!.Value, gone.DeletedAtUtc is not null));
        var survivor = await _app.DbAsync(db => db.Companies.SingleAsync(c => c.Id == yelp));
        Assert.Equal("yelp.co.uk", survivor.DomainKey); // an empty field filled from the other

        var page = await admin.GetPageAsync($"/companies/{yelp}");
        var merge = page.QuerySelector("[data-kind='company.merged']")!.TextContent;
        Assert.Contains("Laura Creighton merged “Yelp Europe” into this company", merge, StringComparison.Ordinal);
        Assert.Contains("Moved here: 1 person, 2 encounters, 3 timeline entries. Merged 1 person with the same e-mail address at both.", merge, StringComparison.Ordinal);
        Assert.Contains("Web domain “yelp.co.uk”", merge, StringComparison.Ordinal);
        var otherPage = await admin.GetPageAsync($"/companies/{other}");
        Assert.Contains("Merged into", otherPage.QuerySelector("[data-testid=deleted-banner]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Yelp"], (await admin.GetPageAsync("/companies?q=hallen")).CompanyNames());
        // Logging a contact with the merged company's old id lands on the survivor.
        await LogContactAsync(admin, "Yelp Europe", null, F("UseCompanyId", other.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(4, await _app.DbAsync(db => db.Encounters.CountAsync(e => e.CompanyId == yelp)));
    }

    [Fact]
    public async Task Merging_two_people_moves_their_encounters_and_keeps_their_details()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe");
        await LogContactAsync(admin, "Yelp", "Jane D.", F("UseCompanyId", yelp.ToString(System.Globalization.CultureInfo.InvariantCulture)), F("PersonEmail", "jane@yelp.com"));
        var ids = await _app.DbAsync(db => db.People.OrderBy(p => p.Id).Select(p => p.Id).ToListAsync());

        var page = await admin.GetPageAsync($"/people/{ids[0]}/merge");
        var response = await admin.SubmitAsync(page, $"/people/{ids[0]}/merge", [F("with", ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var jane = await _app.DbAsync(db => db.People.SingleAsync(p => p.DeletedAtUtc == null));
        Assert.Equal(("Jane Doe", "jane@yelp.com"), (jane.Name, jane.Email));
        Assert.Equal([jane.Id, jane.Id], await _app.DbAsync(db => db.Encounters.Select(e => e.PersonId!.Value).ToListAsync()));
        var other = await _app.DbAsync(db => db.People.SingleAsync(p => p.DeletedAtUtc != null));
        Assert.Equal(jane.Id, other.MergedIntoPersonId);
        var entry = await _app.DbAsync(db => db.Timeline.SingleAsync(t => t.Kind == CompanyTimeline.PersonMerged));
        Assert.Equal("Laura Creighton merged the person “Jane D.” into “Jane Doe”", entry.Summary);
        Assert.Contains("E-mail: (empty) → “jane@yelp.com”", entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_from_a_page_older_than_a_new_delete_leaves_it_deleted_and_says_why()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Yelp");
        await admin.SubmitAsync($"/companies/{id}/delete", $"/companies/{id}/delete", []);
        var oldTab = await admin.GetPageAsync("/companies/deleted");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync($"/companies/{id}", $"/companies/{id}/restore", [])).StatusCode);
        await admin.SubmitAsync($"/companies/{id}/delete", $"/companies/{id}/delete", []); // deleted again, on purpose

        var response = await admin.SubmitAsync(oldTab, $"/companies/{id}/restore", []);

        Assert.Equal($"/companies/{id}", response.Headers.Location!.OriginalString);
        var page = await admin.GetPageAsync($"/companies/{id}");
        Assert.StartsWith("Someone changed this company while you were looking, so it was not restored.", page.QuerySelector("[data-testid=flash-error]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=deleted-banner]")); // as it stands now
        Assert.NotNull(await _app.DbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.DeletedAtUtc).SingleAsync()));
    }

    [Fact]
    public async Task A_company_merge_confirmed_on_a_page_older_than_an_edit_merges_nothing_and_shows_both_as_they_stand()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe");
        var other = await LogContactAsync(admin, "Yelp Europe", "Jacob Hallén");
        var oldTab = await admin.GetPageAsync($"/companies/{yelp}/merge?with={other}");
        People.Expect(await admin.SubmitAsync($"/companies/{other}/edit", $"/companies/{other}/edit", [F("City", "Amsterdam")]), HttpStatusCode.Redirect);
        var keepOther = other.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = await admin.SubmitAsync(oldTab, $"/companies/{yelp}/merge", [F("keep", keepOther)]);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.ReadPageAsync();
        Assert.Equal(MergeCompanies.ChangedMeanwhile, page.QuerySelector(".form-narrow .alert-danger")!.TextContent.Trim());
        Assert.Contains("Amsterdam", page.QuerySelector($"label[for=keep-{other}]")!.TextContent, StringComparison.Ordinal); // as it stands now
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)page.QuerySelector($"#keep-{other}")!).IsChecked); // the choice kept
        Assert.Equal(2, await _app.DbAsync(db => db.Companies.CountAsync(c => c.DeletedAtUtc == null)));

        var merged = await admin.SubmitAsync(page, $"/companies/{yelp}/merge", []);
        Assert.Equal($"/companies/{other}", merged.Headers.Location!.OriginalString);
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync(c => c.DeletedAtUtc == null)));
    }

    [Fact]
    public async Task A_people_merge_confirmed_on_a_page_older_than_an_edit_merges_nothing_and_shows_them_as_they_stand()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe");
        await LogContactAsync(admin, "Yelp", "Jane D.", F("UseCompanyId", yelp.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var ids = await _app.DbAsync(db => db.People.OrderBy(p => p.Id).Select(p => p.Id).ToListAsync());
        var oldTab = await admin.GetPageAsync($"/people/{ids[0]}/merge");
        People.Expect(await admin.SubmitAsync($"/people/{ids[1]}/edit", $"/people/{ids[1]}/edit", [F("Role", "Head of sales, not the same person")]), HttpStatusCode.Redirect);
        var chosen = ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture);

        var refused = await admin.SubmitAsync(oldTab, $"/people/{ids[0]}/merge", [F("with", chosen)]);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.ReadPageAsync();
        Assert.Equal(MergePeople.ChangedMeanwhile, page.QuerySelector(".form-narrow .alert-danger")!.TextContent.Trim());
        Assert.Contains("Head of sales, not the same person", page.QuerySelector($"label[for=with-{ids[1]}]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await _app.DbAsync(db => db.People.CountAsync(p => p.DeletedAtUtc != null)));

        // A form without the versions it showed (forged) is refused outright.
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var forged = await admin.PostAsync($"/people/{ids[0]}/merge", new FormUrlEncodedContent([new("__RequestVerificationToken", token), F("with", chosen)]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, await _app.DbAsync(db => db.People.CountAsync(p => p.DeletedAtUtc != null)));
    }

    public void Dispose() => _app.Dispose();
}
