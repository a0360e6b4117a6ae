using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PyPyLeads.Web.Features.CompanyImport;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.IntegrationTests;

/// <summary>Request size limits (RequestSizeLimits): small for every form, larger only for the CSV upload; too much is a 413 page.</summary>
public sealed class RequestSizeTests : IDisposable
{
    private const string FormType = "application/x-www-form-urlencoded";
    private const string CsvHeader = "Company,Web domain,City,Country,Industry,Source,Consultancy,Notes,Person,Role,E-mail,Phone\n";

    private readonly LeadsApp _app = new();

    [Fact]
    public async Task An_oversized_form_gets_413_and_the_error_page_whether_or_not_it_gives_its_length()
    {
        await People.SetUpAsync(_app.Client());
        var client = _app.Client();
        var oversized = "Email=lac%40openend.se&Password=" + new string('x', (int)RequestSizeLimits.DefaultBytes);

        await ExpectTooLargeAsync(await client.PostAsync("/account/signin", new StringContent(oversized, Encoding.ASCII, FormType)));
        await ExpectTooLargeAsync(await client.PostAsync("/account/signin", new WithoutLength(oversized, FormType)));
        Assert.Contains(_app.Logs.Lines, l => l.Contains("PyPyLeads.Security", StringComparison.Ordinal)
                                              && l.Contains("Request body too large for POST /account/signin from", StringComparison.Ordinal));
        // A signed-in form too, before anything reads it.
        var admin = _app.Client();
        People.Expect(await People.SignInAsync(admin, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
        await ExpectTooLargeAsync(await admin.PostAsync("/log-contact", new StringContent("CompanyName=" + new string('y', 200 * 1024), Encoding.ASCII, FormType)));
    }

    [Fact]
    public async Task A_form_sent_without_its_length_but_within_the_limit_works_as_ever()
    {
        await People.SetUpAsync(_app.Client());
        var client = _app.Client();
        var page = await client.GetPageAsync("/account/signin");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var form = await new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = People.AdminEmail, ["Password"] = People.AdminPassword, ["__RequestVerificationToken"] = token,
        }).ReadAsStringAsync();
        People.Expect(await client.PostAsync("/account/signin", new WithoutLength(form, FormType)), HttpStatusCode.Redirect, "/");
    }

    [Fact]
    public async Task The_CSV_import_takes_a_file_past_the_forms_limit_but_not_one_past_its_own()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var rows = new StringBuilder(CsvHeader);
        for (var i = 0; rows.Length < 3 * RequestSizeLimits.DefaultBytes; i++)
        {
            rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"Company {i:D5},company{i}.example,Palo Alto,USA,Software,Stanford talk,,,Person {i},CTO,p{i}@company{i}.example,\n");
        }
        var accepted = await UploadAsync(admin, Encoding.UTF8.GetBytes(rows.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.StartsWith("/companies/import/", accepted.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var tooLarge = new byte[CompanyImportController.MaxFileBytes + 128 * 1024];
        Array.Fill(tooLarge, (byte)'a');
        await ExpectTooLargeAsync(await UploadAsync(admin, tooLarge));
        await ExpectTooLargeAsync(await UploadAsync(admin, tooLarge, giveLength: false));
    }

    private static async Task ExpectTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.Equal("Too large", page.QuerySelector("main h1")?.TextContent.Trim());
        Assert.Contains("larger than this page accepts", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, bool giveLength = true)
    {
        var page = await client.GetPageAsync("/companies/import");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "companies.csv");
        if (giveLength)
        {
            return await client.PostAsync("/companies/import", form);
        }
        var bytes = await form.ReadAsByteArrayAsync();
        return await client.PostAsync("/companies/import", new WithoutLength(bytes, form.Headers.ContentType!.ToString()));
    }

    public void Dispose() => _app.Dispose();

    /// <summary>A body sent without Content-Length (chunked), as a client streaming it would.</summary>
    private sealed class WithoutLength : HttpContent
    {
        private readonly byte[] _body;

        public WithoutLength(string body, string contentType)
            : this(Encoding.ASCII.GetBytes(body), contentType)
        {
        }

        public WithoutLength(byte[] body, string contentType)
        {
            _body = body;
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
