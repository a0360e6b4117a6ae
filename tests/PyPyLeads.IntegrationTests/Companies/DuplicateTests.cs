using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class DuplicateTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Theory]
    [InlineData("yelp, inc.", null)]
    [InlineData("YELP Inc", null)]
    [InlineData("Yelp", null)]
    [InlineData("Yelp Europe", "www.yelp.com/about")]
    public async Task Another_spelling_of_Yelp_meets_the_existing_company_and_using_it_logs_the_contact_there(string typed, string? domain)
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "First Person", F("CompanyDomain", "yelp.com"));

        var response = await admin.SubmitAsync("/log-contact", "/log-contact",
            [F("CompanyName", typed), F("CompanyDomain", domain ?? ""), F("PersonName", "Second Person")]);
        var page = await response.PageAsync();
        var match = Assert.Single(page.QuerySelectorAll("[data-testid=company-match]"));
        Assert.Contains("Yelp", match.QuerySelector("strong")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(domain is null ? "same name" : "same web domain", match.TextContent, StringComparison.Ordinal);
        Assert.Contains("is already here", page.FieldError("CompanyName"), StringComparison.Ordinal);
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));
        Assert.Equal(1, await _app.DbAsync(db => db.Encounters.CountAsync()));

        // "Use Yelp and save": the same form, with the match's button.
        var used = await admin.SubmitAsync(page, "/log-contact", [F("UseCompanyId", yelp.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(yelp, ExpectCompanyRedirect(used));
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));
        Assert.Equal(["First Person", "Second Person"], await _app.DbAsync(db => db.People.Where(p => p.CompanyId == yelp).OrderBy(p => p.Id).Select(p => p.Name).ToListAsync()));
        Assert.Equal(2, await _app.DbAsync(db => db.Encounters.CountAsync(e => e.CompanyId == yelp)));
    }

    [Fact]
    public async Task A_person_with_the_same_email_at_the_company_is_offered_not_created_again()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe", F("PersonEmail", "jane@yelp.com"));
        var id = yelp.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var response = await admin.SubmitAsync($"/log-contact?companyId={id}", "/log-contact", [F("PersonName", "J. Doe"), F("PersonEmail", "JANE@yelp.com ")]);
        var page = await response.PageAsync();
        Assert.Equal("Jane Doe at Yelp has this e-mail address. Use them, or correct the address.", page.FieldError("PersonEmail"));
        var offer = Assert.Single(page.QuerySelectorAll("[data-testid=person-match]"));
        Assert.Null(offer.QuerySelector("button[name=NewPerson]")); // the same address cannot be someone else
        var janeId = await _app.DbAsync(db => db.People.Select(p => p.Id).SingleAsync());

        ExpectCompanyRedirect(await admin.SubmitAsync(page, "/log-contact", [F("UsePersonId", janeId.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        Assert.Equal(1, await _app.DbAsync(db => db.People.CountAsync()));
        Assert.Equal([janeId, janeId], await _app.DbAsync(db => db.Encounters.Select(e => e.PersonId!.Value).ToListAsync()));
    }

    [Fact]
    public async Task A_person_with_the_same_name_is_offered_and_can_be_told_apart()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jacob Hallén");
        var response = await admin.SubmitAsync($"/log-contact?companyId={yelp}", "/log-contact", [F("PersonName", "jacob hallen")]);
        var page = await response.PageAsync();
        Assert.Equal("Someone called Jacob Hallén is already at Yelp. Is it them?", page.FieldError("PersonName"));

        // "No, someone else": a second person of that name.
        ExpectCompanyRedirect(await admin.SubmitAsync(page, "/log-contact", [F("NewPerson", "true")]));
        Assert.Equal(["Jacob Hallén", "jacob hallen"], await _app.DbAsync(db => db.People.OrderBy(p => p.Id).Select(p => p.Name).ToListAsync()));
    }

    [Fact]
    public async Task Two_simultaneous_submissions_of_a_new_company_create_it_once()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var other = await People.MemberAsync(_app, admin, "Armin Rigo", "armin@example.org");
        var clients = new[] { admin, other };
        for (var round = 0; round < 5; round++)
        {
            var name = $"Noisebridge {round}";
            // Both have the form open before either saves, as two people in the same hallway would.
            var pages = await Task.WhenAll(clients.Select(c => c.GetPageAsync("/log-contact")));
            var responses = await Task.WhenAll(clients.Select((c, i) => c.SubmitAsync(pages[i], "/log-contact",
                [F("CompanyName", i == 0 ? name : name.ToUpperInvariant() + " Inc."), F("PersonName", $"Person {i}")])));

            Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync(c => c.NameKey == CompanyKeys.Name(name))));
            var saved = responses.Count(r => r.StatusCode == HttpStatusCode.Redirect);
            Assert.Equal(1, saved);
            var loser = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ReadPageAsync();
            // The one who lost sees the company the other saved, offered to use (a race message when the database refused it).
            Assert.Contains(name, loser.QuerySelector("[data-testid=company-match]")!.TextContent, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_live_company_with_the_same_keys()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        db.Companies.Add(NewCompany("Yelp", "yelp.com"));
        await db.SaveChangesAsync();

        db.Companies.Add(NewCompany("yelp, inc."));
        var byName = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(DbErrors.IsUniqueViolation(byName));
        db.ChangeTracker.Clear();

        db.Companies.Add(NewCompany("Yelp Europe", "https://www.yelp.com/about"));
        var byDomain = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(DbErrors.IsUniqueViolation(byDomain));
        db.ChangeTracker.Clear();

        // A deleted company does not hold its keys.
        var yelp = await db.Companies.SingleAsync();
        yelp.DeletedAtUtc = DateTime.UtcNow;
        await db.SaveChangesAsync();
        db.Companies.Add(NewCompany("YELP Inc", "yelp.com"));
        await db.SaveChangesAsync();
        Assert.Equal(2, await db.Companies.CountAsync());
    }

    [Fact]
    public async Task The_type_ahead_finds_companies_by_any_spelling_person_or_domain_and_never_deleted_ones()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await LogContactAsync(admin, "Yelp", "Maciej Fijałkowski", F("CompanyDomain", "yelp.com"));
        await LogContactAsync(admin, "Yelpers <script>alert(1)</script>", null);
        await LogContactAsync(admin, "Mozilla Corporation", null, F("CompanyDomain", "mozilla.org"));
        var gone = await LogContactAsync(admin, "Yelp Gone", null);
        await admin.SubmitAsync($"/companies/{gone}/delete", $"/companies/{gone}/delete", []);

        async Task<List<string>> Suggest(string q)
        {
            var json = await admin.GetStringAsync("/companies/suggest?q=" + Uri.EscapeDataString(q));
            return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList();
        }

        Assert.Equal("Yelp", (await Suggest("yelp, inc."))[0]);
        Assert.Equal(["Yelp", "Yelpers <script>alert(1)</script>"], await Suggest("yel"));
        Assert.Equal(["Yelp"], await Suggest("fijal"));
        Assert.Equal(["Mozilla Corporation"], await Suggest("mozilla.org"));
        Assert.Empty(await Suggest("gone"));
        // The JSON escapes markup, and the answer is JSON, not HTML.
        var raw = await admin.GetAsync("/companies/suggest?q=yelpers");
        Assert.Equal("application/json", raw.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("<script>", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();
}
