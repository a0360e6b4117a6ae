using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Submissions;

/// <summary>
/// Every form that creates something, sent twice from one loaded page (a double tap, a browser resending after a
/// dropped connection), one after the other and both at once: one record, and both answers alike.
/// </summary>
public sealed class CreateFormsTwiceTests : IAsyncLifetime
{
    private const string FollowUpDue = "2011-03-05T10:00";

    private readonly LeadsApp _app = NewApp().With("PublicForm:PermitsPerHour", "1000");
    private HttpClient _admin = null!;
    private int _yelp;

    public async Task InitializeAsync()
    {
        _admin = _app.Client();
        await People.SetUpAsync(_admin);
        _yelp = (await _app.SeedCompaniesAsync([NewCompany("Yelp", "yelp.com")]))[0];
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string> CreateForms => new()
    {
        "log a contact", "log a contact with its follow-up", "public invitation", "presentation request", "person", "deal", "follow-up",
        "meeting", "import confirmation", "user invitation", "team stay", "calendar feed", "new company",
    };

    [Theory]
    [MemberData(nameof(CreateForms))]
    public async Task A_create_form_sent_twice_in_a_row_creates_one_record_and_answers_the_same(string name)
    {
        var before = await CountAsync(name);
        var form = await LoadAsync(name, round: 1);

        var first = await AnswerAsync(await form.PostAsync());
        var second = await AnswerAsync(await form.PostAsync());

        Assert.Equal(first, second);
        Assert.Equal(before + 1, await CountAsync(name));
    }

    [Theory]
    [MemberData(nameof(CreateForms))]
    public async Task A_create_form_sent_twice_at_once_creates_one_record_and_answers_the_same_and_the_next_page_creates_again(string name)
    {
        var before = await CountAsync(name);
        var form = await LoadAsync(name, round: 1);

        var answers = await Task.WhenAll(form.PostAsync(), form.PostAsync());

        Assert.Equal(await AnswerAsync(answers[0]), await AnswerAsync(answers[1]));
        Assert.Equal(before + 1, await CountAsync(name));
        // The page shown next carries a new key: the key stops repeats, not the next record.
        await AnswerAsync(await (await LoadAsync(name, round: 2)).PostAsync());
        Assert.Equal(before + 2, await CountAsync(name));
    }

    [Fact]
    public async Task A_refused_submit_corrected_and_sent_with_the_same_key_creates_once()
    {
        var form = await LoadAsync("person", round: 1);

        var refused = await form.PostAsync(F("Name", ""));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("Enter the person's name.", (await refused.ReadPageAsync()).FieldError("Name"));
        var corrected = await AnswerAsync(await form.PostAsync());
        Assert.Equal(corrected, await AnswerAsync(await form.PostAsync()));

        Assert.Equal(1, await _app.DbAsync(db => db.People.CountAsync(p => p.Name == "Person 1")));
    }

    [Fact]
    public async Task A_key_sent_by_another_user_or_to_another_form_never_answers_with_the_first_result()
    {
        var member = await People.MemberAsync(_app, _admin, "Jacob Hallén", "jacob@openend.se");
        var adminsPerson = await LoadAsync("person", round: 1);
        var key = adminsPerson.Key;
        await AnswerAsync(await adminsPerson.PostAsync());

        // The member's own page, with the admin's key copied in.
        var membersPage = await member.GetPageAsync($"/companies/{_yelp}/people/new");
        var membersPerson = new FilledForm(member, FormValues(membersPage, $"/companies/{_yelp}/people/new", [F("Name", "Person by Jacob"), F("SubmissionKey", key)]),
            $"/companies/{_yelp}/people/new");
        await AnswerAsync(await membersPerson.PostAsync());
        // The admin's follow-up form, with the person form's key.
        var followUp = await LoadAsync("follow-up", round: 1);
        await AnswerAsync(await followUp.PostAsync(F("SubmissionKey", key)));

        Assert.Equal(["Person 1", "Person by Jacob"], await _app.DbAsync(db => db.People.OrderBy(p => p.Id).Select(p => p.Name).ToListAsync()));
        Assert.Equal(1, await _app.DbAsync(db => db.FollowUps.CountAsync()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("key with spaces")]
    [InlineData("line\nbreak")]
    [InlineData("ключ")]
    [InlineData("' OR 1=1 --")]
    public async Task A_missing_or_unusable_key_is_a_fresh_submission_and_never_an_error(string key)
    {
        var form = await LoadAsync("person", round: 1);

        // Sent as a page opened before keys existed would send it (nothing), or tampered with.
        await AnswerAsync(await form.PostAsync(F("SubmissionKey", key)));
        await AnswerAsync(await form.PostAsync(F("SubmissionKey", key), F("Email", "other@example.com")));

        Assert.Equal(2, await _app.DbAsync(db => db.People.CountAsync(p => p.Name == "Person 1")));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("'OR'1'='1'--")]
    [InlineData("%00%0d%0a")]
    public async Task A_hostile_key_of_printable_characters_is_only_a_key(string key)
    {
        var form = await LoadAsync("person", round: 1);

        var first = await AnswerAsync(await form.PostAsync(F("SubmissionKey", key)));
        Assert.Equal(first, await AnswerAsync(await form.PostAsync(F("SubmissionKey", key))));

        Assert.Equal(1, await _app.DbAsync(db => db.People.CountAsync(p => p.Name == "Person 1")));
        Assert.Equal([key], await _app.DbAsync(db => db.Submissions.Select(s => s.Key).ToListAsync()));
    }

    [Fact]
    public async Task A_key_too_long_to_store_is_a_fresh_submission()
    {
        var form = await LoadAsync("person", round: 1);

        await AnswerAsync(await form.PostAsync(F("SubmissionKey", new string('k', 10_000))));

        Assert.Equal(1, await _app.DbAsync(db => db.People.CountAsync(p => p.Name == "Person 1")));
        Assert.Equal(0, await _app.DbAsync(db => db.Submissions.CountAsync()));
    }

    [Fact]
    public async Task A_key_holds_across_a_restart_of_the_app()
    {
        // Both apps use one data folder of the test's own: each LeadsApp deletes only the folder it made.
        var data = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "restart-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            List<KeyValuePair<string, string>> sent;
            string first, pageUrl;
            using (var before = NewApp().With("Data:Directory", data))
            {
                var admin = before.Client();
                await People.SetUpAsync(admin);
                var yelp = (await before.SeedCompaniesAsync([NewCompany("Yelp")]))[0];
                pageUrl = $"/companies/{yelp}/people/new";
                sent = FormValues(await admin.GetPageAsync(pageUrl), pageUrl, [F("Name", "Person 1")]);
                first = await AnswerAsync(await new FilledForm(admin, sent, pageUrl).PostAsync());
            }

            using var after = NewApp().With("Data:Directory", data);
            var client = after.Client();
            People.Expect(await People.SignInAsync(client, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
            // The browser sends the same form again (with the new app's antiforgery token).
            var resent = FormValues(await client.GetPageAsync(pageUrl), pageUrl, sent.Where(v => v.Key != "__RequestVerificationToken"));

            Assert.Equal(first, await AnswerAsync(await new FilledForm(client, resent, pageUrl).PostAsync()));
            Assert.Equal(1, await after.DbAsync(db => db.People.CountAsync(p => p.Name == "Person 1")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a stopping Hangfire worker; the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>One loaded form and the values it sends: posting it again sends the same key.</summary>
    public sealed record FilledForm(HttpClient Client, List<KeyValuePair<string, string>> Values, string Action)
    {
        public string Key => Values.Single(v => v.Key == "SubmissionKey").Value;

        public Task<HttpResponseMessage> PostAsync(params KeyValuePair<string, string>[] changes)
        {
            var changed = changes.Select(c => c.Key).ToHashSet();
            return Client.PostAsync(Action, new FormUrlEncodedContent(Values.Where(v => !changed.Contains(v.Key)).Concat(changes)));
        }
    }

    /// <summary>What a person sees of an answer: where it leads, or the link a page shows once. A refusal fails the test.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            return "redirect to " + response.Headers.Location!.OriginalString;
        }
        var page = await response.ReadPageAsync();
        var link = page.QuerySelector("[data-testid=invitation-link], [data-testid=feed-url]")?.TextContent;
        if (response.StatusCode != HttpStatusCode.OK || string.IsNullOrEmpty(link))
        {
            var problems = string.Join("; ", page.QuerySelectorAll(".field-validation-error, .alert, .text-danger").Select(e => e.TextContent.Trim()));
            throw new InvalidOperationException($"Expected it done, got {(int)response.StatusCode}: {problems}");
        }
        return "page showing " + link;
    }

    private async Task<FilledForm> LoadAsync(string name, int round)
    {
        var r = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var adminId = await _app.UserIdAsync(People.AdminEmail);
        (HttpClient Client, string PageUrl, string Action, KeyValuePair<string, string>[] Fields) form = name switch
        {
            "log a contact" => (_admin, "/log-contact", "/log-contact", [F("CompanyName", "Contactco " + r), F("PersonName", "Jane Doe")]),
            "log a contact with its follow-up" => (_admin, "/log-contact", "/log-contact", [
                F("CompanyName", "Followco " + r), F("FollowUp.Wanted", "true"), F("FollowUp.DueLocal", FollowUpDue), F("FollowUp.TimeZoneId", "Europe/Stockholm"),
                F("FollowUp.OwnerUserId", adminId)]),
            "public invitation" => (_app.Client(), "/invite", "/invite", Request("Invitco " + r)),
            "presentation request" => (_admin, "/presentations/new", "/presentations/new", Request("Requestco " + r)),
            "person" => (_admin, $"/companies/{_yelp}/people/new", $"/companies/{_yelp}/people/new", [F("Name", "Person " + r), F("Email", $"person{r}@yelp.com")]),
            "deal" => (_admin, $"/deals/new?companyId={_yelp}", "/deals/new", [
                F("Kind", "Consulting"), F("Value", "12000"), F("Currency", "EUR"), F("ExpectedCloseOn", "2011-06-30"), F("Title", "JIT consulting " + r),
                F("Stage", "New"), F("ConsultancyId", "1")]),
            "follow-up" => (_admin, $"/followups/new?companyId={_yelp}", "/followups/new", [
                F("FollowUp.DueLocal", FollowUpDue), F("FollowUp.TimeZoneId", "Europe/Stockholm"), F("FollowUp.OwnerUserId", adminId), F("FollowUp.Note", "Round " + r)]),
            "meeting" => (_admin, "/meetings/new", "/meetings/new", [
                F("CompanyName", "Meetco " + r), F("Kind", "Lunch"), F("Area", "Bay Area"), F("Place", "Zuni Café"), F("StartsLocal", $"2011-03-0{3 + round}T12:00"),
                F("EndsLocal", $"2011-03-0{3 + round}T13:00"), F("TeamMemberIds", "1"), F("ConfirmClashes", "true")]),
            "import confirmation" => (_admin, await UploadAsync("Importco " + r), "", []),
            "user invitation" => (_admin, "/users/invite", "/users/invite", [
                F("DisplayName", "Invitee " + r), F("Email", $"invitee{r}@example.org"), F("Role", "Member"), F("TimeZoneId", "Europe/Stockholm")]),
            "team stay" => (_admin, "/team", "/team/stays", [F("TeamMemberId", "1"), F("Area", "Bay Area"), F("FromLocal", $"2011-03-1{round}T00:00"), F("ToLocal", $"2011-03-1{round}T23:00")]),
            "calendar feed" => (_admin, "/calendar", "/calendar/feed", []),
            "new company" => (_admin, "/companies/new", "/companies/new", [F("Name", "Newco " + r), F("WebDomain", $"newco{r}.example"), F("Source", "Other")]),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        var (client, pageUrl, action, fields) = form;
        var page = await client.GetPageAsync(pageUrl);
        if (action.Length == 0)
        {
            action = page.QuerySelector("form[action$='/confirm']")!.GetAttribute("action")!;
        }
        return new FilledForm(client, FormValues(page, action, fields), action);
    }

    private static KeyValuePair<string, string>[] Request(string company) =>
    [
        F("CompanyName", company), F("ContactName", "Jane Doe"), F("ContactEmail", "jane@example.com"), F("City", "San Francisco"), F("Topics", "JitSpeed"),
        F("AudienceSize", "40"),
    ];

    /// <summary>Uploads a one-company CSV and returns its preview page.</summary>
    private async Task<string> UploadAsync(string company)
    {
        var page = await _admin.GetPageAsync("/companies/import");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"Company,City\n{company},San Francisco\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "companies.csv");
        var response = await _admin.PostAsync("/companies/import", form);
        People.Expect(response, HttpStatusCode.Redirect);
        return response.Headers.Location!.OriginalString;
    }

    private Task<int> CountAsync(string name) => name switch
    {
        "log a contact" => _app.DbAsync(db => db.Encounters.CountAsync()),
        "log a contact with its follow-up" or "follow-up" => _app.DbAsync(db => db.FollowUps.CountAsync()),
        "public invitation" or "presentation request" => _app.DbAsync(db => db.PresentationRequests.CountAsync()),
        "person" => _app.DbAsync(db => db.People.CountAsync()),
        "deal" => _app.DbAsync(db => db.Deals.CountAsync()),
        "meeting" => _app.DbAsync(db => db.Meetings.CountAsync()),
        "import confirmation" => ImportedAsync(),
        "user invitation" => _app.DbAsync(db => db.Users.CountAsync()),
        "team stay" => _app.DbAsync(db => db.TeamStays.CountAsync()),
        "calendar feed" => _app.DbAsync(db => db.CalendarFeeds.CountAsync()),
        "new company" => _app.DbAsync(db => db.Companies.CountAsync()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>The imported companies, once every confirmed import's job is over (it runs after the answer).</summary>
    private async Task<int> ImportedAsync()
    {
        await Eventually.EqualAsync(0, () => _app.DbAsync(db => db.CsvImports.CountAsync(i => i.State == CsvImportState.Importing)));
        return await _app.DbAsync(db => db.Companies.CountAsync(c => c.Name.StartsWith("Importco")));
    }
}
