using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using static PyPyLeads.IntegrationTests.Companies.CompanyTestKit;

namespace PyPyLeads.IntegrationTests.Companies;

public sealed class LogContactTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task The_form_defaults_to_the_stop_happening_now_and_to_the_signed_in_user()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var page = await admin.GetPageAsync("/log-contact");

        Assert.Equal("2", page.QuerySelector("select[name=TourStopId] option[selected]")!.GetAttribute("value"));
        Assert.StartsWith("Yelp talk", page.QuerySelector("select[name=TourStopId] option[selected]")!.TextContent, StringComparison.Ordinal);
        var adminId = await _app.UserIdAsync(People.AdminEmail);
        var checkedUsers = page.QuerySelectorAll("input[name=MetBy][checked]").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal([adminId], checkedUsers);
        // First in the navigation.
        Assert.Equal("/log-contact", page.QuerySelector("#main-nav a.nav-link")!.GetAttribute("href"));
    }

    [Fact]
    public async Task One_submit_creates_the_company_the_person_and_the_encounter_with_names_exactly_as_typed()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var armin = await People.MemberAsync(_app, admin, "Armin Rigo", "armin@example.org");
        var arminId = await _app.UserIdAsync("armin@example.org");
        var adminId = await _app.UserIdAsync(People.AdminEmail);

        var companyId = await LogContactAsync(admin, "Yelp", "Maciej Fijałkowski",
            F("CompanyDomain", "https://www.yelp.com/about"), F("PersonRole", "Engineer"), F("PersonEmail", "Fijal@Example.org"),
            F("PersonPhone", "+1 415 555 0100"), F("Interests", "Consulting"), F("Interests", "Hiring"),
            F("MetBy", adminId), F("MetBy", arminId), F("Note", "Wants the JIT for their search backend.\nCall after PyCon."));

        var company = await _app.DbAsync(db => db.Companies.Include(c => c.People).SingleAsync());
        Assert.Equal(companyId, company.Id);
        Assert.Equal("Yelp", company.Name);
        Assert.Equal("yelp.com", company.DomainKey);
        Assert.Equal(LeadSource.TourStop, company.Source);
        Assert.Equal(2, company.SourceTourStopId);
        Assert.Null(company.ConsultancyId);
        var person = Assert.Single(company.People);
        Assert.Equal("Maciej Fijałkowski", person.Name);
        Assert.Equal("fijal@example.org", person.EmailKey);
        var encounter = await _app.DbAsync(db => db.Encounters.Include(e => e.MetBy).SingleAsync());
        Assert.Equal((company.Id, person.Id, 2), (encounter.CompanyId, encounter.PersonId!.Value, encounter.TourStopId!.Value));
        Assert.Equal(Interests.Consulting | Interests.Hiring, encounter.Interests);
        Assert.Equal(new[] { adminId, arminId }.Order(), encounter.MetBy.Select(m => m.UserId).Order());
        Assert.Equal(AtYelpTalk.UtcDateTime, encounter.MetAtUtc);

        // The company page: details, the person, and the encounter on the timeline in the viewer's zone (Laura: Stockholm).
        var page = await admin.GetPageAsync($"/companies/{companyId}");
        Assert.Equal("Yelp", page.QuerySelector("[data-testid=company-name]")!.TextContent.Trim());
        Assert.Contains("Maciej Fijałkowski", page.QuerySelector("[data-testid=people]")!.TextContent, StringComparison.Ordinal);
        var entry = page.QuerySelectorAll("[data-testid=timeline-entry]").Single(e => e.GetAttribute("data-kind") == "encounter");
        Assert.Contains("Met Maciej Fijałkowski (Engineer), new contact, at the Yelp talk", entry.TextContent, StringComparison.Ordinal);
        Assert.Contains("Met by Armin Rigo, Laura Creighton", entry.TextContent, StringComparison.Ordinal);
        Assert.Contains("Interested in: consulting, hiring", entry.TextContent, StringComparison.Ordinal);
        Assert.Contains("Call after PyCon.", entry.TextContent, StringComparison.Ordinal);
        Assert.Contains("Fri 4 Mar 2011, 03:30 CET", entry.TextContent, StringComparison.Ordinal);
        // Armin reads times in his own zone (Pacific).
        var hisPage = await armin.GetPageAsync($"/companies/{companyId}");
        Assert.Contains("Thu 3 Mar 2011, 18:30 PST", hisPage.QuerySelectorAll("[data-testid=timeline-entry]").Single(e => e.GetAttribute("data-kind") == "encounter").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_contact_at_a_chosen_company_reuses_it_and_fills_what_the_person_did_not_tell_before()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var yelp = await LogContactAsync(admin, "Yelp", "Jacob Hallén");
        var hallen = await _app.DbAsync(db => db.People.Select(p => p.Id).SingleAsync());

        // Chosen in the type-ahead (hidden ids), with an e-mail this time.
        await admin.SubmitAsync($"/log-contact?companyId={yelp}", "/log-contact",
            [F("PersonName", "Jacob Hallén"), F("PersonId", hallen.ToString(System.Globalization.CultureInfo.InvariantCulture)), F("PersonEmail", "jacob@example.org"), F("TourStopId", "3"), F("ConfirmStopAhead", "true")]);

        Assert.Equal(1, await _app.DbAsync(db => db.Companies.CountAsync()));
        var person = await _app.DbAsync(db => db.People.SingleAsync());
        Assert.Equal("jacob@example.org", person.Email);
        Assert.Equal([2, 3], await _app.DbAsync(db => db.Encounters.OrderBy(e => e.Id).Select(e => e.TourStopId!.Value).ToListAsync()));
        var timeline = await _app.DbAsync(db => db.Timeline.Where(t => t.Kind == CompanyTimeline.PersonEdited).SingleAsync());
        Assert.Equal("E-mail: (empty) → “jacob@example.org”", timeline.Details);
    }

    [Fact]
    public async Task Bad_input_is_shown_beside_each_field_keeps_what_was_typed_and_saves_nothing()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var response = await admin.SubmitAsync("/log-contact", "/log-contact",
        [
            F("CompanyName", ""), F("CompanyDomain", "not a domain"), F("PersonEmail", "nobody-at-example"), F("PersonPhone", "call me"),
            F("MetBy", ""), F("Note", new string('x', 4001)), F("TourStopId", "99"),
        ]);
        var page = await response.PageAsync();
        Assert.Equal("Enter the company's name.", page.FieldError("CompanyName"));
        Assert.Equal("Enter a web domain such as yelp.com (a web address works too).", page.FieldError("CompanyDomain"));
        Assert.Equal("This is not an e-mail address.", page.FieldError("PersonEmail"));
        Assert.Equal("Enter the person's name too.", page.FieldError("PersonName"));
        Assert.Equal("Enter a phone number: digits, spaces and + - ( ) . /", page.FieldError("PersonPhone"));
        Assert.Equal("Choose who met them.", page.FieldError("MetBy"));
        Assert.Equal("Note: at most 4000 characters (this has 4001).", page.FieldError("Note"));
        Assert.Equal("Choose a tour stop from the list.", page.FieldError("TourStopId"));
        Assert.Equal("nobody-at-example", page.QuerySelector("input[name=PersonEmail]")!.GetAttribute("value"));
        Assert.Equal(new string('x', 4001), page.QuerySelector("textarea[name=Note]")!.TextContent);
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));
        Assert.Equal(0, await _app.DbAsync(db => db.Encounters.CountAsync()));
    }

    [Fact]
    public async Task A_contact_can_be_logged_away_from_the_tour_and_without_a_person()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var id = await LogContactAsync(admin, "Open End AB", null, F("TourStopId", "0"));
        var company = await _app.DbAsync(db => db.Companies.SingleAsync());
        Assert.Equal((LeadSource.Other, (int?)null), (company.Source, company.SourceTourStopId));
        var encounter = await _app.DbAsync(db => db.Encounters.SingleAsync());
        Assert.Null(encounter.PersonId);
        Assert.Null(encounter.TourStopId);
        var page = await admin.GetPageAsync($"/companies/{id}");
        Assert.Contains("Met someone from Open End AB (not at a tour stop)", page.QuerySelector("[data-kind=encounter]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_need_sign_in()
    {
        var anonymous = _app.Client();
        foreach (var url in new[] { "/log-contact", "/companies", "/companies/suggest?q=yelp", "/companies/1", "/companies/export.csv", "/companies/import" })
        {
            var response = await anonymous.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, url);
        }
    }

    public void Dispose() => _app.Dispose();
}

public sealed class LogContactFollowUpTests : IDisposable
{
    private readonly LeadsApp _app = NewApp();

    [Fact]
    public async Task A_follow_up_can_be_scheduled_with_the_contact_and_a_bad_one_keeps_everything_typed()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var adminId = await _app.UserIdAsync(People.AdminEmail);

        // A due time after the Eurostars end is refused beside the field, and nothing is saved.
        var late = await admin.PostFormAsync("/log-contact", new Dictionary<string, string>
        {
            ["TourStopId"] = "2", ["CompanyName"] = "Yelp", ["PersonName"] = "Jane Doe", ["MetBy"] = adminId,
            ["FollowUp.Wanted"] = "true", ["FollowUp.OwnerUserId"] = adminId, ["FollowUp.DueLocal"] = "2011-12-01T09:00",
            ["FollowUp.TimeZoneId"] = "America/Los_Angeles", ["FollowUp.Note"] = "Send the JIT numbers",
        });
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var page = await late.ReadPageAsync();
        Assert.NotNull(page.FieldError("FollowUp.DueLocal"));
        Assert.Equal("Yelp", page.QuerySelector("input[name=CompanyName]")!.GetAttribute("value"));
        Assert.Equal(0, await _app.DbAsync(db => db.Companies.CountAsync()));

        var saved = await admin.PostFormAsync("/log-contact", new Dictionary<string, string>
        {
            ["TourStopId"] = "2", ["CompanyName"] = "Yelp", ["PersonName"] = "Jane Doe", ["MetBy"] = adminId,
            ["FollowUp.Wanted"] = "true", ["FollowUp.OwnerUserId"] = adminId, ["FollowUp.DueLocal"] = "2011-03-10T09:00",
            ["FollowUp.TimeZoneId"] = "America/Los_Angeles", ["FollowUp.Note"] = "Send the JIT numbers",
        });
        People.Expect(saved, HttpStatusCode.Redirect);
        var followUp = await _app.DbAsync(db => db.FollowUps.SingleAsync());
        var companyId = await _app.DbAsync(db => db.Companies.Select(c => c.Id).SingleAsync());
        Assert.Equal((companyId, adminId, new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc)), (followUp.CompanyId, followUp.OwnerUserId, followUp.DueAtUtc));
        Assert.True(await _app.DbAsync(db => db.Timeline.AnyAsync(t => t.CompanyId == companyId && t.Kind == "followup.scheduled")));
    }

    [Theory]
    [InlineData("Encounters")] // inside the contact's transaction
    [InlineData("FollowUps")] // after the contact's commit, while the follow-up is written
    public async Task A_contact_whose_phone_loses_the_connection_while_it_is_saved_is_kept_whole_with_its_follow_up(string table)
    {
        using var app = NewApp();
        var drop = DroppedConnection.OnFirstInsertInto(app, table);
        var admin = app.Client();
        await People.SetUpAsync(admin);
        var adminId = await app.UserIdAsync(People.AdminEmail);
        var page = await admin.GetPageAsync("/log-contact");
        var token = page.QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        // The connection drops mid-save: the client gets no answer.
        await Assert.ThrowsAnyAsync<Exception>(() => admin.PostAsync("/log-contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["TourStopId"] = "2", ["CompanyName"] = "Yelp", ["PersonName"] = "Jane Doe", ["MetBy"] = adminId,
            ["FollowUp.Wanted"] = "true", ["FollowUp.OwnerUserId"] = adminId, ["FollowUp.DueLocal"] = "2011-03-10T09:00",
            ["FollowUp.TimeZoneId"] = "America/Los_Angeles", ["FollowUp.Note"] = "Send the JIT numbers",
        })));
        Assert.True(drop.Dropped);

        // The client was answered by the drop at once; the server goes on saving.
        var saved = await Eventually.EqualAsync((1, 1, 1), () => app.DbAsync(async db => (
            await db.Companies.CountAsync(c => c.Name == "Yelp"),
            await db.Encounters.CountAsync(),
            await db.FollowUps.CountAsync(f => f.Note == "Send the JIT numbers" && f.HangfireJobId != null))));
        Assert.Equal((1, 1, 1), saved);
    }

    public void Dispose() => _app.Dispose();
}
