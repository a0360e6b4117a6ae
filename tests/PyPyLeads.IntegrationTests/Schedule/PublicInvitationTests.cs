using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Schedule;
using static PyPyLeads.IntegrationTests.Schedule.ScheduleTestSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

public sealed class PublicInvitationTests : IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("PublicForm:PermitsPerHour", "1000");

    private static Dictionary<string, string> Invitation(string company = "Yelp", string? domain = null) => new()
    {
        ["CompanyName"] = company, ["WebDomain"] = domain ?? "", ["ContactName"] = "Jane Doe", ["ContactEmail"] = "jane@yelp.com",
        ["Address"] = "706 Mission St", ["City"] = "San Francisco", ["PreferredDates"] = "March 4, afternoon", ["AudienceSize"] = "40",
        ["Topics"] = "JitSpeed", ["OtherTopics"] = "", ["ConvinceManagement"] = "Numbers on our web stack",
    };

    [Fact]
    public async Task A_company_asks_without_an_account_and_the_coordinators_see_it()
    {
        var visitor = _app.Client();
        var sent = await visitor.PostFormAsync("/invite", Invitation());
        People.Expect(sent, HttpStatusCode.Redirect, "/invite/thanks");
        Assert.NotNull((await visitor.GetPageAsync("/invite/thanks")).QuerySelector("[data-testid=invite-thanks]"));

        var request = Db(_app, db => db.PresentationRequests.Include(p => p.Company).Single());
        Assert.Equal(PresentationStatus.Requested, request.Status);
        Assert.True(request.ViaPublicPage);
        Assert.Equal(Topics.JitSpeed, request.Topics);
        Assert.Equal("Yelp", request.Company!.Name);
        Assert.Equal(LeadSource.InvitationPage, request.Company.Source);

        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var home = await admin.GetPageAsync("/");
        Assert.Equal("1", home.QuerySelector("[data-testid=requested-count]")!.TextContent);
        Assert.Single((await admin.GetPageAsync("/presentations?status=Requested")).QuerySelectorAll("[data-testid=presentation-row]"));
        // The new company is a lead like any other: the company search finds it.
        var found = await admin.GetPageAsync("/companies?q=yelp");
        Assert.Contains("Yelp", Assert.Single(found.QuerySelectorAll("[data-testid=company-row]")).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_whose_sender_loses_the_connection_while_it_is_saved_is_kept()
    {
        using var app = new LeadsApp().With("PublicForm:PermitsPerHour", "1000");
        var drop = DroppedConnection.OnFirstInsertInto(app, "PresentationRequests");
        await Assert.ThrowsAnyAsync<Exception>(() => app.Client().PostFormAsync("/invite", Invitation()));
        Assert.True(drop.Dropped);

        var saved = await Eventually.EqualAsync((1, 1), () => Task.FromResult(Db(app, db =>
            (db.Companies.Count(c => c.Name == "Yelp"), db.PresentationRequests.Count(p => p.ContactEmail == "jane@yelp.com")))));
        Assert.Equal((1, 1), saved);
    }

    [Fact]
    public async Task Past_99_waiting_requests_the_badge_says_99_plus()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        People.Expect(await _app.Client().PostFormAsync("/invite", Invitation()), HttpStatusCode.Redirect, "/invite/thanks");

        // 99 more of the same request, copied in SQL (posting them would take the test a while).
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_app.DatabasePath}"))
        {
            await connection.OpenAsync();
            var columns = new List<string>();
            await using (var info = connection.CreateCommand())
            {
                info.CommandText = "SELECT name FROM pragma_table_info('PresentationRequests') WHERE name <> 'Id'";
                await using var reader = await info.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    columns.Add($"\"{reader.GetString(0)}\"");
                }
            }
            await using var copy = connection.CreateCommand();
            copy.CommandText = $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @copies)
                INSERT INTO "PresentationRequests" ({string.Join(", ", columns)}) SELECT {string.Join(", ", columns)} FROM "PresentationRequests", n
                """;
            copy.Parameters.AddWithValue("@copies", 98);
            Assert.Equal(98, await copy.ExecuteNonQueryAsync());
        }
        var badge = (await admin.GetPageAsync("/")).QuerySelector("[data-testid=requested-count]")!;
        Assert.Equal("99", badge.TextContent);
        Assert.Equal("Requests waiting for an answer", badge.GetAttribute("title"));

        // The hundredth, through the form.
        People.Expect(await _app.Client().PostFormAsync("/invite", Invitation("Mozilla", "mozilla.org")), HttpStatusCode.Redirect, "/invite/thanks");
        badge = (await admin.GetPageAsync("/")).QuerySelector("[data-testid=requested-count]")!;
        Assert.Equal("99+", badge.TextContent);
        Assert.Equal("More than 99 requests waiting for an answer", badge.GetAttribute("title"));
    }

    [Theory]
    [InlineData("yelp, inc.", null)]
    [InlineData("YELP Inc", null)]
    [InlineData("Yelp Restaurants", "https://www.yelp.com/about")]
    public async Task A_request_from_a_known_company_attaches_to_it_and_says_nothing_different(string name, string? domain)
    {
        var visitor = _app.Client();
        People.Expect(await visitor.PostFormAsync("/invite", Invitation("Yelp", "yelp.com")), HttpStatusCode.Redirect, "/invite/thanks");
        People.Expect(await visitor.PostFormAsync("/invite", Invitation(name, domain)), HttpStatusCode.Redirect, "/invite/thanks");
        Assert.Equal(1, Db(_app, db => db.Companies.Count()));
        Assert.Equal(2, Db(_app, db => db.PresentationRequests.Count(p => p.CompanyId == db.Companies.Single().Id)));
    }

    [Fact]
    public async Task The_honeypot_swallows_bots_silently()
    {
        var fields = Invitation();
        fields["Website"] = "http://spam.example";
        People.Expect(await _app.Client().PostFormAsync("/invite", fields), HttpStatusCode.Redirect, "/invite/thanks");
        Assert.Equal(0, Db(_app, db => db.PresentationRequests.Count()));
        Assert.Equal(0, Db(_app, db => db.Companies.Count()));
    }

    [Fact]
    public async Task Bad_and_hostile_input_gets_messages_or_is_stored_exactly()
    {
        var visitor = _app.Client();
        var bad = Invitation();
        bad["CompanyName"] = new string('x', 10_000);
        bad["ContactEmail"] = "jane at yelp";
        bad["AudienceSize"] = "-3";
        bad["City"] = "";
        bad["Topics"] = "RocketScience";
        var refused = await visitor.PostFormAsync("/invite", bad);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.ReadPageAsync();
        Assert.Equal("Use at most 200 characters.", page.FieldError("CompanyName"));
        Assert.Equal("This is not an e-mail address.", page.FieldError("ContactEmail"));
        Assert.Equal("Enter a number of people from 1 to 100,000.", page.FieldError("AudienceSize"));
        Assert.Equal("Enter the city where we would present.", page.FieldError("City"));
        Assert.NotNull(page.FieldError("Topics"));
        Assert.Equal("jane at yelp", page.QuerySelector("input[name=ContactEmail]")!.GetAttribute("value"));

        var control = Invitation("Acme\u0007Corp");
        Assert.Equal("Remove the control characters.", (await (await visitor.PostFormAsync("/invite", control)).ReadPageAsync()).FieldError("CompanyName"));

        var hostile = Invitation("<script>alert(1)</script> Robert'); DROP TABLE Companies;--");
        hostile["ConvinceManagement"] = "\u202Eevil\u202C <b>bold</b>";
        People.Expect(await visitor.PostFormAsync("/invite", hostile), HttpStatusCode.Redirect, "/invite/thanks");
        var stored = Db(_app, db => db.PresentationRequests.Include(p => p.Company).Single());
        Assert.Equal("<script>alert(1)</script> Robert'); DROP TABLE Companies;--", stored.Company!.Name);
        Assert.Equal("\u202Eevil\u202C <b>bold</b>", stored.ConvinceManagement);

        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var html = await (await admin.GetAsync($"/presentations/{stored.Id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_antiforgery_token_is_400()
    {
        var response = await _app.Client().PostAsync("/invite", new FormUrlEncodedContent(Invitation()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public void Dispose() => _app.Dispose();
}

public sealed class PublicInvitationRateLimitTests : IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("PublicForm:PermitsPerHour", "2");

    [Fact]
    public async Task Too_many_invitations_from_one_address_get_429_with_a_friendly_page()
    {
        var visitor = _app.Client();
        var fields = new Dictionary<string, string> { ["CompanyName"] = "Yelp", ["ContactName"] = "Jane", ["ContactEmail"] = "jane@yelp.com", ["City"] = "SF" };
        People.Expect(await visitor.PostFormAsync("/invite", fields), HttpStatusCode.Redirect);
        People.Expect(await visitor.PostFormAsync("/invite", fields), HttpStatusCode.Redirect);
        var limited = await visitor.PostFormAsync("/invite", fields);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Wait a while", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, Db(_app, db => db.PresentationRequests.Count()));
        // The page itself still loads.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/invite")).StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
