using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Security;

/// <summary>
/// The pages offer only what the viewer may do: the other consultancy's records are read-only for a member (their
/// change forms answer 403), and exporting companies is offered to those allowed, whose exports admins then see.
/// </summary>
public sealed class ReadOnlyPagesTests : IAsyncLifetime
{
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync(app => app.With("Hangfire:RunServer", "false"));

    public async Task DisposeAsync() => await _w.DisposeAsync();

    [Fact]
    public async Task A_member_reads_the_other_consultancys_company_without_any_action_to_change_it()
    {
        var theirs = await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.MerlinuxId, "Yelp"));
        var mine = await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.OpenEndId, "Noisebridge"));
        var person = await _w.DbAsync(db => Seed.PersonAsync(db, theirs, "Jane Doe"));

        var page = await _w.OpenEnd.GetPageAsync($"/companies/{theirs}");
        Assert.Equal("merlinux's lead: you can read it; its members and admins change it.", DealsWorld.Text(page, "read-only"));
        Assert.Empty(page.QuerySelectorAll("[data-testid=company-actions] a"));
        Assert.Null(page.QuerySelector($"a[href='/people/{person}/edit']"));
        Assert.Equal("Jane Doe", page.QuerySelector("[data-testid=person] strong")!.TextContent.Trim());
        foreach (var form in new[] { $"/companies/{theirs}/edit", $"/companies/{theirs}/delete", $"/companies/{theirs}/merge", $"/companies/{theirs}/people/new",
                     $"/people/{person}/edit", $"/people/{person}/merge" })
        {
            Assert.True((await _w.OpenEnd.GetAsync(form)).StatusCode == HttpStatusCode.Forbidden, form);
        }

        var own = await _w.OpenEnd.GetPageAsync($"/companies/{mine}");
        Assert.Null(own.QuerySelector("[data-testid=read-only]"));
        Assert.NotNull(own.QuerySelector($"[data-testid=company-actions] a[href='/companies/{mine}/edit']"));
        Assert.NotNull((await _w.Merlinux.GetPageAsync($"/companies/{theirs}")).QuerySelector($"[data-testid=company-actions] a[href='/companies/{theirs}/edit']"));
        Assert.Equal(HttpStatusCode.OK, (await _w.Admin.GetAsync($"/companies/{theirs}/edit")).StatusCode);
    }

    [Fact]
    public async Task A_member_reads_the_other_consultancys_presentation_request_and_meeting_without_their_forms()
    {
        var theirs = await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.MerlinuxId, "Yelp"));
        var (request, _) = await _w.DbAsync(db => Seed.PresentationAsync(db, theirs, PresentationStatus.Requested));
        var (meeting, _) = await _w.DbAsync(db => Seed.MeetingAsync(db, theirs));

        foreach (var (url, noun) in new[] { ($"/presentations/{request}", "request"), ($"/meetings/{meeting}", "meeting") })
        {
            var page = await _w.OpenEnd.GetPageAsync(url);
            Assert.Equal($"merlinux's lead: you can read this {noun}; its members and admins change it.", DealsWorld.Text(page, "read-only"));
            Assert.DoesNotContain(page.QuerySelectorAll("main form[method=post]"), f => f.GetAttribute("action")?.StartsWith(url, StringComparison.Ordinal) == true);
            var their = await _w.Merlinux.GetPageAsync(url);
            Assert.Null(their.QuerySelector("[data-testid=read-only]"));
            Assert.Contains(their.QuerySelectorAll("main form[method=post]"), f => f.GetAttribute("action")?.StartsWith(url, StringComparison.Ordinal) == true);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await _w.OpenEnd.GetAsync($"/presentations/{request}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _w.Merlinux.GetAsync($"/presentations/{request}/edit")).StatusCode);
    }

    [Fact]
    public async Task A_forced_merge_of_the_other_consultancys_company_with_ones_own_is_refused_either_way_round_and_changes_nothing()
    {
        var mine = await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.MerlinuxId, "Yelp"));
        var theirs = await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.OpenEndId, "Yelp Europe"));
        var versions = await _w.DbAsync(db => db.Companies.Where(c => c.Id == mine || c.Id == theirs).ToDictionaryAsync(c => c.Id, c => c.Version));
        var before = await _w.DbAsync(Seed.FingerprintAsync);

        foreach (var keep in new[] { mine, theirs })
        {
            var response = await DealsWorld.PostAsync(_w.Merlinux, $"/companies/{mine}/merge", new Dictionary<string, string>
            {
                ["with"] = theirs.ToString(System.Globalization.CultureInfo.InvariantCulture), ["keep"] = keep.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["version"] = versions[mine].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["withVersion"] = versions[theirs].ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("“Yelp Europe” is Open End's: only its members and admins change it. You can read it.",
                (await response.ReadPageAsync()).QuerySelector("main .alert-danger")!.TextContent.Trim());
        }

        Assert.Equal(before, await _w.DbAsync(Seed.FingerprintAsync));
        Assert.Equal(HttpStatusCode.Forbidden, (await _w.Merlinux.GetAsync($"/companies/{theirs}/merge")).StatusCode);
    }

    [Fact]
    public async Task A_member_typing_the_other_consultancys_company_into_a_presentation_request_gets_the_reason_beside_the_name_and_keeps_the_form()
    {
        await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.MerlinuxId, "Yelp"));
        var before = await _w.DbAsync(Seed.FingerprintAsync);

        var response = await _w.OpenEnd.PostFormAsync("/presentations/new", new Dictionary<string, string>
        {
            ["CompanyName"] = "Yelp, Inc.", ["ContactName"] = "Jane Doe", ["ContactEmail"] = "jane@example.com", ["City"] = "San Francisco", ["Topics"] = "JitSpeed",
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.Equal("“Yelp” is merlinux's: only its members and admins change it. You can read it.", page.FieldError("CompanyName"));
        Assert.Equal("Jane Doe", page.QuerySelector("input[name=ContactName]")!.GetAttribute("value"));
        Assert.Equal(before, await _w.DbAsync(Seed.FingerprintAsync));
    }

    [Fact]
    public async Task Exporting_companies_is_offered_once_an_admin_allows_it_on_the_users_page_and_admins_see_each_export()
    {
        await _w.DbAsync(async db => await Seed.CompanyAsync(db, Consultancy.OpenEndId, "Yelp"));
        Assert.Null((await _w.OpenEnd.GetPageAsync("/companies")).QuerySelector("[data-testid=export-link]"));
        Assert.Equal(HttpStatusCode.Forbidden, (await _w.OpenEnd.GetAsync("/companies/export.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _w.OpenEnd.GetAsync("/export/log")).StatusCode);
        Assert.Equal(0, await _w.DbAsync(db => db.ExportRecords.CountAsync()));

        var jacob = await _w.UserIdAsync("jacob@openend.se");
        var users = await _w.Admin.GetPageAsync("/users");
        Assert.Equal("No", users.QuerySelector($"form[action='/users/{jacob}/export-right'] span")!.TextContent);
        People.Expect(await _w.Admin.PostFormAsync("/users", new Dictionary<string, string>(), $"/users/{jacob}/export-right"), HttpStatusCode.Redirect, "/users");
        Assert.Equal("Yes", (await _w.Admin.GetPageAsync("/users")).QuerySelector($"form[action='/users/{jacob}/export-right'] span")!.TextContent);

        var link = (await _w.OpenEnd.GetPageAsync("/companies?consultancy=1")).QuerySelector("[data-testid=export-link]")!.GetAttribute("href")!;
        var csv = await _w.OpenEnd.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Contains("Yelp", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var log = await _w.Admin.GetPageAsync("/export/log");
        var row = Assert.Single(log.QuerySelectorAll("[data-testid=export-row]")).TextContent;
        Assert.Contains("Jacob Hallén", row, StringComparison.Ordinal);
        Assert.Contains("Companies CSV", row, StringComparison.Ordinal);
        Assert.Contains("?consultancy=1", row, StringComparison.Ordinal);
        var record = await _w.DbAsync(db => db.ExportRecords.SingleAsync());
        Assert.Equal((1L, true), (record.Rows, record.Complete));
    }
}
