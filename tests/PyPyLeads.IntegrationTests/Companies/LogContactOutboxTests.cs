using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>
/// What "Log a contact" answers the phone's outbox (a post with <c>Accept: application/json</c>), and the data it keeps
/// for the form offline. The browser side is in <c>OfflineJourneyTests</c>.
/// </summary>
public sealed class LogContactOutboxTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task A_queued_contact_sent_twice_with_its_key_is_saved_once_and_both_answers_say_saved()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var fields = await FormAsync(admin, F("CompanyName", "Noisebridge"), F("PersonName", "Mitch Altman"), F("SubmissionKey", "phone-key-1"));

        var first = await PostJsonAsync(admin, fields);
        var again = await PostJsonAsync(admin, fields);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("saved", first.Json.GetProperty("status").GetString());
        Assert.Equal("saved", again.Json.GetProperty("status").GetString());
        var companyId = first.Json.GetProperty("companyId").GetInt32();
        Assert.Equal(companyId, again.Json.GetProperty("companyId").GetInt32());
        Assert.Equal($"/companies/{companyId}", first.Json.GetProperty("companyUrl").GetString());
        Assert.Equal("Logged: met Mitch Altman, new contact at the Yelp talk.", first.Json.GetProperty("message").GetString());
        Assert.Equal(1, await _app.DbAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_queued_contact_matching_a_company_needs_a_choice_and_carries_the_matches()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Maciej Fijałkowski", F("CompanyDomain", "yelp.com"));

        var answer = await PostJsonAsync(admin, await FormAsync(admin, F("CompanyName", "yelp, inc."), F("PersonName", "Jacob Hallén")));

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Equal("needs-choice", answer.Json.GetProperty("status").GetString());
        Assert.Equal("CompanyName", answer.Json.GetProperty("field").GetString());
        Assert.Contains("“Yelp” is already here (same name)", answer.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        var match = Assert.Single(answer.Json.GetProperty("companies").EnumerateArray());
        Assert.Equal(yelp, match.GetProperty("id").GetInt32());
        Assert.Equal("yelp.com", match.GetProperty("domain").GetString());
        Assert.Equal(1, await _app.DbAsync(db => db.Encounters.CountAsync()));
    }

    [Fact]
    public async Task A_queued_contact_with_a_refused_field_comes_back_with_the_message_under_the_field_name()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);

        var answer = await PostJsonAsync(admin, await FormAsync(admin, F("CompanyName", ""), F("PersonEmail", "not-an-address")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal("refused", answer.Json.GetProperty("status").GetString());
        var errors = answer.Json.GetProperty("errors");
        Assert.Equal("Enter the company's name.", errors.GetProperty("CompanyName")[0].GetString());
        Assert.True(errors.TryGetProperty("PersonEmail", out _));
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_follow_up_whose_time_passed_while_the_contact_waited_is_refused_beside_its_time_and_nothing_is_saved()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var adminId = await _app.UserIdAsync(People.AdminEmail);
        // Asked for 18:00 Pacific on the phone; sent at 18:30, when that time has passed.
        var answer = await PostJsonAsync(admin, await FormAsync(admin, F("CompanyName", "Dropbox"), F("FollowUp.Wanted", "true"),
            F("FollowUp.DueLocal", "2011-03-03T18:00"), F("FollowUp.TimeZoneId", "America/Los_Angeles"), F("FollowUp.OwnerUserId", adminId)));

        Assert.Equal("refused", answer.Json.GetProperty("status").GetString());
        Assert.StartsWith("Choose a time after now", answer.Json.GetProperty("errors").GetProperty("FollowUp.DueLocal")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));
        Assert.Equal(0, await _app.DbAsync(db => db.FollowUps.CountAsync()));
    }

    [Fact]
    public async Task A_queued_contact_sent_signed_out_is_sent_to_sign_in_and_saves_nothing()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var fields = await FormAsync(admin, F("CompanyName", "Stanford"));
        var stranger = _app.Client();

        var request = new HttpRequestMessage(HttpMethod.Post, "/log-contact") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await stranger.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/signin", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));
        var data = await stranger.GetAsync("/log-contact/offline-data");
        Assert.Equal(HttpStatusCode.Redirect, data.StatusCode);
    }

    [Fact]
    public async Task The_offline_data_lists_only_the_callers_own_recent_companies_and_only_those_they_may_log_a_contact_at()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var jacob = await People.MemberAsync(_app, admin, "Jacob Hallén", "jacob@openend.se", consultancyId: 1);
        var jacobId = await _app.UserIdAsync("jacob@openend.se");
        await LogContactAsync(jacob, "Yelp", null, F("MetBy", jacobId));
        await LogContactAsync(jacob, "Google", null, F("MetBy", jacobId));
        await LogContactAsync(jacob, "Open End's own lead", null, F("MetBy", jacobId));
        await LogContactAsync(admin, "Mozilla");
        // Google is merlinux's now: Jacob can read it but not log a contact there. The third is his consultancy's.
        await _app.DbAsync(db => db.Companies.Where(c => c.Name == "Google").ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsultancyId, 2)));
        await _app.DbAsync(db => db.Companies.Where(c => c.Name == "Open End's own lead").ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsultancyId, 1)));

        var his = await OfflineDataAsync(jacob);
        var hers = await OfflineDataAsync(admin);

        Assert.Equal(jacobId, his.GetProperty("userId").GetString());
        Assert.Equal(["Open End's own lead", "Yelp"], Names(his));
        Assert.Equal(["Mozilla"], Names(hers));
        Assert.False(string.IsNullOrEmpty(his.GetProperty("token").GetString()));
    }

    [Fact]
    public async Task The_form_opened_from_the_outbox_keeps_the_entrys_key_so_the_choice_saves_that_contact_once()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp");
        var fields = await FormAsync(admin, F("CompanyName", "yelp, inc."), F("PersonName", "Jacob Hallén"), F("SubmissionKey", "phone-key-7"), F("OutboxKey", "phone-key-7"));

        // The ordinary post shows the matches, with the entry's key, not a new one.
        var shown = await (await admin.PostAsync("/log-contact", new FormUrlEncodedContent(fields))).ReadPageAsync();
        Assert.NotNull(shown.QuerySelector("[data-testid=company-match]"));
        Assert.Equal("phone-key-7", shown.QuerySelector("input[name=SubmissionKey]")!.GetAttribute("value"));
        Assert.Equal("phone-key-7", shown.QuerySelector("input[name=OutboxKey]")!.GetAttribute("value"));

        var chosen = await admin.SubmitAsync(shown, "/log-contact", [F("UseCompanyId", yelp.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(yelp, ExpectCompanyRedirect(chosen));
        // The outbox sends the entry again, as it was queued: the server answers with the choice's result.
        var replay = await PostJsonAsync(admin, fields);
        Assert.Equal("saved", replay.Json.GetProperty("status").GetString());
        Assert.Equal(yelp, replay.Json.GetProperty("companyId").GetInt32());
        Assert.Equal(2, await _app.DbAsync(db => db.Encounters.CountAsync()));
        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));
    }

    private static List<string> Names(JsonElement data) =>
        data.GetProperty("companies").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();

    private static async Task<JsonElement> OfflineDataAsync(HttpClient client)
    {
        var response = await client.GetAsync("/log-contact/offline-data");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>The form's fields as the page has them, with the changes: what the outbox stores.</summary>
    private static async Task<List<KeyValuePair<string, string>>> FormAsync(HttpClient client, params KeyValuePair<string, string>[] changes) =>
        FormValues(await client.GetPageAsync("/log-contact"), "/log-contact", changes);

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostJsonAsync(HttpClient client, List<KeyValuePair<string, string>> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/log-contact") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    public void Dispose() => _app.Dispose();
}
