using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class CsvTests : IDisposable
{
    private const string Header = "Company,Web domain,City,Country,Industry,Source,Consultancy,Notes,Person,Role,E-mail,Phone\n";
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task Export_writes_companies_and_people_with_formula_cells_neutralised()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await LogContactAsync(admin, "=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(A1)", F("PersonRole", "-2+3"), F("PersonPhone", "+1 415 555 0100"));
        await LogContactAsync(admin, "Yelp", "Maciej Fijałkowski", F("CompanyDomain", "yelp.com"), F("PersonEmail", "fijal@example.org"));
        await LogContactAsync(admin, "Yelp", "Jacob Hallén", F("UseCompanyId", "2"));
        await LogContactAsync(admin, "Google", null);

        var response = await admin.GetAsync("/companies/export.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("attachment; filename=\"pypyleads-companies-", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        using var csv = new CsvReader(new StringReader(Encoding.UTF8.GetString(bytes[3..])), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["Google", "'=HYPERLINK(\"http://evil.example\",\"click\")", "Yelp", "Yelp"], rows.Select(r => (string)r["Company"]));
        Assert.Equal("'@SUM(A1)", rows[1]["Person"]);
        Assert.Equal("'-2+3", rows[1]["Role"]);
        Assert.Equal("'+1 415 555 0100", rows[1]["Phone"]);
        Assert.Equal("", rows[0]["Person"]); // a company without people still has its line
        Assert.Equal(["Maciej Fijałkowski", "Jacob Hallén"], rows.Skip(2).Select(r => (string)r["Person"]));
        Assert.Equal("A tour stop", rows[2]["Source"]);

        // The export, imported again, matches everything and creates nothing; the neutralising quote is taken off.
        var preview = await (await UploadAsync(admin, "export.csv", bytes)).PageAsync();
        Assert.Equal("0", preview.QuerySelector("[data-testid=rows-new]")!.TextContent);
        Assert.Equal("4", preview.QuerySelector("[data-testid=rows-existing]")!.TextContent);
        Assert.Equal("0", preview.QuerySelector("[data-testid=rows-error]")!.TextContent);
    }

    [Fact]
    public async Task Import_previews_errors_and_matches_then_on_confirmation_imports_matching_rather_than_duplicating()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jane Doe", F("CompanyDomain", "yelp.com"), F("PersonEmail", "jane@yelp.com"));
        var file = Header +
                   "YELP Inc,,,,,,,,Jane Doe,CTO,JANE@yelp.com,\n" +          // row 2: existing company and person
                   "Yelp Europe,www.yelp.com/about,,,,,,,Jacob Hallén,,,\n" + // row 3: existing by domain, new person
                   "Noisebridge,noisebridge.net,San Francisco,USA,Hackerspace,referral,,\"Mini sprint, March 5-6\",Mitch,,,\n" + // row 4: new
                   "noisebridge,,,,,,,,Someone Else,,,\n" +                     // row 5: same company as row 4
                   ",,,,,,,,Nobody,,,\n" +                                      // row 6: no company
                   "Bad Mail Inc,,,,,,,,Bob,,bob-at-example,\n" +               // row 7: bad e-mail
                   "'=cmd|' /C calc'!A0,,,,,,,,,,,\n";                          // row 8: a formula, imported as text
        var preview = await (await UploadAsync(admin, "contacts.csv", Encoding.UTF8.GetBytes(file))).PageAsync();

        Assert.Equal("7", preview.QuerySelector("[data-testid=rows-total]")!.TextContent);
        Assert.Equal("2", preview.QuerySelector("[data-testid=rows-new]")!.TextContent);
        Assert.Equal("2", preview.QuerySelector("[data-testid=rows-existing]")!.TextContent);
        Assert.Equal("2", preview.QuerySelector("[data-testid=rows-error]")!.TextContent);
        var errors = preview.QuerySelectorAll("[data-testid=error-row]").Select(e => e.TextContent).ToList();
        Assert.Contains("Row 6", errors[0], StringComparison.Ordinal);
        Assert.Contains("Company: the name is missing.", errors[0], StringComparison.Ordinal);
        Assert.Contains("Row 7", errors[1], StringComparison.Ordinal);
        Assert.Contains("This is not an e-mail address.", errors[1], StringComparison.Ordinal);
        var matches = preview.QuerySelectorAll("[data-testid=match-row]").Select(e => e.TextContent).ToList();
        Assert.Contains("Row 2", matches[0], StringComparison.Ordinal);
        Assert.Contains("(same name), person already known", matches[0], StringComparison.Ordinal);
        Assert.Contains("(same web domain)", matches[1], StringComparison.Ordinal);
        // Nothing has changed yet.
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));

        var done = await ConfirmAndWaitAsync(admin, preview);
        Assert.Contains("2 new companies", done.QuerySelector("[data-testid=import-result]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2 rows skipped", done.QuerySelector("[data-testid=import-result]")!.TextContent, StringComparison.Ordinal);
        var companies = await _app.DbAsync(db => db.Companies.Include(c => c.People).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(["Yelp", "Noisebridge", "=cmd|' /C calc'!A0"], companies.Select(c => c.Name));
        Assert.Equal(["Jane Doe", "Jacob Hallén"], companies[0].People.OrderBy(p => p.Id).Select(p => p.Name));
        Assert.Equal(["Mitch", "Someone Else"], companies[1].People.OrderBy(p => p.Id).Select(p => p.Name));
        Assert.Equal(("San Francisco", "USA", "Hackerspace", LeadSource.Referral, "Mini sprint, March 5-6"),
            (companies[1].City, companies[1].Country, companies[1].Industry, companies[1].Source, companies[1].Notes));
        // On the timelines, as the uploader.
        var page = await admin.GetPageAsync($"/companies/{companies[1].Id}");
        Assert.Contains("Laura Creighton added this company by CSV import", page.QuerySelector("[data-kind='company.created']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Laura Creighton added Jacob Hallén by CSV import", (await admin.GetPageAsync($"/companies/{yelp}")).QuerySelector("[data-kind='person.added']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Noisebridge"], (await admin.GetPageAsync("/companies?q=mitch")).CompanyNames());
        // Confirming again does nothing more.
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync(preview.QuerySelector("form[action$='/confirm']")!.GetAttribute("action"),
            new FormUrlEncodedContent([new("__RequestVerificationToken", preview.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!)]))).StatusCode);
        Assert.Equal(3, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    [Theory]
    [InlineData("Company,City\n\"Yelp,San Francisco\nGoogle,Mountain View\n", "The file is not valid CSV")]
    [InlineData("Name;Town\nYelp;San Francisco\n", "one of them must be “Company”")]
    [InlineData("", "Choose a CSV file.")]
    [InlineData("Company\n", "The file has a header line but no rows.")]
    [InlineData("\u0089PNG\r\n\u001a\n\0\0\0IHDR", "This is not a CSV text file")]
    public async Task A_malformed_file_gets_a_clear_message_and_changes_nothing(string content, string message)
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var page = await (await UploadAsync(admin, "bad.csv", Encoding.UTF8.GetBytes(content))).PageAsync();
        Assert.Contains(message, page.FieldError("file"), StringComparison.Ordinal);
        Assert.Equal(0, await _app.DbAsync(db => db.CsvImports.CountAsync()));
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_file_that_is_not_UTF8_is_refused_with_what_to_do()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var latin1 = Encoding.Latin1.GetBytes("Company,Person\nOpen End,Jacob Hallén\n");
        var page = await (await UploadAsync(admin, "latin1.csv", latin1)).PageAsync();
        Assert.Equal("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload that.", page.FieldError("file"));
        Assert.Equal(0, await _app.DbAsync(db => db.CsvImports.CountAsync()));
    }

    [Fact]
    public async Task Ten_thousand_rows_import_in_one_go_with_progress_shown()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        await LogContactAsync(admin, "Company 00007", "Existing Person", F("PersonEmail", "person7a@example.org"));
        // 5,000 companies with two people each; one company exists already, with one of its people.
        var file = new StringBuilder(Header);
        for (var i = 0; i < 5000; i++)
        {
            foreach (var p in new[] { "a", "b" })
            {
                file.Append(CultureInfo.InvariantCulture, $"Company {i:D5},company{i}.example.com,City {i % 50},Sweden,,,,,Person {i}{p},Engineer,person{i}{p}@example.org,+46 8 {i:D6}\n");
            }
        }
        var preview = await (await UploadAsync(admin, "big.csv", Encoding.UTF8.GetBytes(file.ToString()))).PageAsync();
        Assert.Equal("10000", preview.QuerySelector("[data-testid=rows-total]")!.TextContent);
        Assert.Equal("4999", preview.QuerySelector("[data-testid=rows-new]")!.TextContent);

        var confirm = await admin.PostAsync(preview.QuerySelector("form[action$='/confirm']")!.GetAttribute("action"),
            new FormUrlEncodedContent([new("__RequestVerificationToken", preview.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!)]));
        var progressUrl = confirm.Headers.Location!.OriginalString;
        var progress = await admin.GetPageAsync(progressUrl);
        // While it runs (or once done), the page shows a progress bar over all 10,000 rows.
        Assert.Equal("10000", progress.QuerySelector("[data-testid=import-progress-bar]")!.GetAttribute("max"));

        var done = await WaitForImportAsync(admin, progressUrl);
        Assert.NotNull(done.QuerySelector("[data-testid=import-done]"));
        Assert.Equal(5000, await _app.DbAsync(db => db.Companies.CountAsync()));
        Assert.Equal(10000, await _app.DbAsync(db => db.People.CountAsync()));
        Assert.Equal("10000", done.QuerySelector("[data-testid=import-progress-bar]")!.GetAttribute("value"));
        Assert.Equal(["Company 04321"], (await admin.GetPageAsync("/companies?q=person4321b")).CompanyNames());
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] content)
    {
        var page = await client.GetPageAsync("/companies/import");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        if (content.Length > 0)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(file, "file", fileName);
        }
        var response = await client.PostAsync("/companies/import", form);
        return response.StatusCode == HttpStatusCode.Redirect ? await client.GetAsync(response.Headers.Location) : response;
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> ConfirmAndWaitAsync(HttpClient client, AngleSharp.Html.Dom.IHtmlDocument preview)
    {
        var response = await client.SubmitAsync(preview, preview.QuerySelector("form[action$='/confirm']")!.GetAttribute("action")!, []);
        return await WaitForImportAsync(client, response.Headers.Location!.OriginalString);
    }

    /// <summary>The import runs as a Hangfire job; the page is read until it says the import is over (bounded).</summary>
    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> WaitForImportAsync(HttpClient client, string url)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var page = await client.GetPageAsync(url);
            if (page.QuerySelector("[data-testid=import-result]") is not null)
            {
                return page;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("The import did not finish within 150 s.");
    }

    public void Dispose() => _app.Dispose();
}
