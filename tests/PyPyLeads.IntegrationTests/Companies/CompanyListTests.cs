using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class CompanyListTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task Search_finds_by_company_name_person_name_email_domain_or_city()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await LogContactAsync(admin, "Yelp", "Maciej Fijałkowski", F("CompanyDomain", "yelp.com"), F("PersonEmail", "fijal@merlinux.eu"));
        var mozilla = await LogContactAsync(admin, "Mozilla Corporation", "Jane Doe", F("CompanyDomain", "mozilla.org"));
        await admin.SubmitAsync($"/companies/{mozilla}/edit", $"/companies/{mozilla}/edit", [F("City", "Mountain View")]);
        await LogContactAsync(admin, "Google", null, F("CompanyDomain", "google.com"));

        async Task<List<string>> Search(string q) => (await admin.GetPageAsync("/companies?q=" + Uri.EscapeDataString(q))).CompanyNames();

        Assert.Equal(["Yelp"], await Search("yelp"));
        Assert.Equal(["Mozilla Corporation"], await Search("corp"));
        Assert.Equal(["Yelp"], await Search("fijałkowski"));
        Assert.Equal(["Yelp"], await Search("fijalk"));
        Assert.Equal(["Yelp"], await Search("Maciej F"));
        Assert.Equal(["Yelp"], await Search("fijal@merlinux.eu"));
        Assert.Equal(["Mozilla Corporation"], await Search("mozilla.org"));
        Assert.Equal(["Google"], await Search("https://www.google.com/about"));
        Assert.Equal(["Mozilla Corporation"], await Search("mountain view"));
        Assert.Equal(["Mozilla Corporation"], await Search("jane"));
        Assert.Empty(await Search("mountain yelp"));
        Assert.Equal(["Google", "Mozilla Corporation", "Yelp"], await Search(""));
    }

    [Fact]
    public async Task Filters_by_tour_stop_consultancy_and_interest()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", null, F("Interests", "Hiring"));
        await LogContactAsync(admin, "Stanford", null, F("TourStopId", "1"), F("Interests", "Presentation"), F("Interests", "Consulting"));
        var google = await LogContactAsync(admin, "Google", null, F("TourStopId", "4"), F("ConfirmStopAhead", "true"), F("Interests", "JustCurious"));
        await _app.DbAsync(db => db.Companies.Where(c => c.Id == yelp).ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsultancyId, 1)));
        await _app.DbAsync(db => db.Companies.Where(c => c.Id == google).ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsultancyId, 2)));

        async Task<List<string>> List(string query) => (await admin.GetPageAsync("/companies?" + query)).CompanyNames();

        Assert.Equal(["Yelp"], await List("stop=2"));
        Assert.Equal(["Google"], await List("stop=4"));
        Assert.Equal(["Yelp"], await List("consultancy=1"));
        Assert.Equal(["Google"], await List("consultancy=2"));
        Assert.Equal(["Stanford"], await List("consultancy=none"));
        Assert.Equal(["Stanford"], await List("interest=Consulting"));
        Assert.Equal(["Yelp"], await List("interest=Hiring"));
        Assert.Empty(await List("interest=Hiring&stop=1"));
        var page = await admin.GetPageAsync("/companies?consultancy=1");
        Assert.Contains("Open End", page.QuerySelector("[data-testid=company-row]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyset_paging_walks_every_company_once_in_order_both_ways_and_in_every_sort()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var start = AtYelpTalk.UtcDateTime;
        // 60 companies; two created at the same instant, so the id breaks the tie.
        var names = Enumerable.Range(1, 60).Select(i => $"Company {i:D2}").ToList();
        await _app.SeedCompaniesAsync(names.Select((n, i) => NewCompany(n, createdAtUtc: start.AddMinutes(i == 31 ? 30 : i))));

        foreach (var (sort, expected) in new[]
                 {
                     ("name", names),
                     ("newest", names.AsEnumerable().Reverse().ToList()),
                     ("oldest", names),
                 })
        {
            var seen = new List<string>();
            var pages = new List<string>();
            var url = "/companies?sort=" + sort;
            while (true)
            {
                var page = await admin.GetPageAsync(url);
                pages.Add(url);
                seen.AddRange(page.CompanyNames());
                var next = page.QuerySelector("[data-testid=next-page]")?.GetAttribute("href");
                if (next is null)
                {
                    break;
                }
                url = next;
            }
            Assert.Equal(3, pages.Count);
            Assert.Equal(expected, seen);
            // Previous from the last page gives the middle page again.
            var last = await admin.GetPageAsync(pages[^1]);
            var previous = await admin.GetPageAsync(last.QuerySelector("a[rel=prev]")!.GetAttribute("href")!);
            Assert.Equal(expected.Skip(25).Take(25), previous.CompanyNames());
        }
        Assert.Equal("60", (await admin.GetPageAsync("/companies")).QuerySelector("[data-testid=company-total]")!.TextContent);
    }

    [Fact]
    public async Task Nonsense_in_the_query_string_gives_a_page_not_an_error()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await LogContactAsync(admin, "Yelp");
        foreach (var query in new[]
                 {
                     "after=not-a-cursor", "before=%%%", "after=" + Uri.EscapeDataString(Convert.ToBase64String(new byte[40])), "stop=abc", "interest=Everything",
                     "sort=drop table", "consultancy=7; DROP TABLE Companies", "q=" + new string('y', 10_000), "q=%27%20OR%201%3D1--", "q=%00%01",
                 })
        {
            var response = await admin.GetAsync("/companies?" + query);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
        }
        Assert.Equal(["Yelp"], (await admin.GetPageAsync("/companies?after=garbage")).CompanyNames());
        Assert.Empty((await admin.GetPageAsync("/companies?q=%27%20OR%201%3D1--")).CompanyNames());
    }

    public void Dispose() => _app.Dispose();
}
