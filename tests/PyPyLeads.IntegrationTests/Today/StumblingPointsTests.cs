using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;
using static PyPyLeads.IntegrationTests.Schedule.ScheduleTestSteps;

namespace PyPyLeads.IntegrationTests.Today;

/// <summary>
/// What a newcomer tripped over, each over HTTP on the tour clock (Wed 2 Mar 2011, 09:00 Pacific): the name in the bar,
/// adding a company or a follow-up from its own list, "Mark delivered" days early, a contact met at a stop still ahead,
/// the topics run into the free text, and the missing favicon.
/// </summary>
public sealed class StumblingPointsTests : IAsyncLifetime
{
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync();

    public async Task DisposeAsync() => await _w.DisposeAsync();

    [Fact]
    public async Task The_bar_shows_the_name_given_at_set_up_with_the_email_as_its_title()
    {
        var bar = (await _w.Admin.GetPageAsync("/")).QuerySelector("[data-testid=signed-in-as]")!;

        Assert.Equal(("Laura Creighton", People.AdminEmail), (bar.TextContent.Trim(), bar.GetAttribute("title")));
        Assert.Equal("Jacob Hallén", DealsWorld.Text(await _w.OpenEnd.GetPageAsync("/companies"), "signed-in-as"));
    }

    [Theory]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/icon.svg", "image/svg+xml")]
    [InlineData("/apple-touch-icon.png", "image/png")]
    [InlineData("/icon-192.png", "image/png")]
    public async Task The_icons_are_served_to_anyone(string path, string contentType)
    {
        var response = await _w.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task Every_page_names_its_icons()
    {
        var page = await _w.Anonymous.GetPageAsync("/account/signin");

        Assert.Equal(["/favicon.ico", "/icon.svg"], page.QuerySelectorAll("link[rel=icon]").Select(l => l.GetAttribute("href")!.Split('?')[0]).ToList());
        Assert.NotNull(page.QuerySelector("link[rel=apple-touch-icon]"));
        Assert.Equal(HttpStatusCode.OK, (await _w.Anonymous.GetAsync(page.QuerySelector("link[rel=manifest]")!.GetAttribute("href"))).StatusCode);
    }

    [Fact]
    public async Task New_company_on_the_companies_page_adds_one_and_offers_the_existing_one_instead_of_a_duplicate()
    {
        var companies = await _w.OpenEnd.GetPageAsync("/companies");
        Assert.Equal("/companies/new", companies.QuerySelector("[data-testid=new-company]")!.GetAttribute("href"));

        var added = await _w.OpenEnd.PostFormAsync("/companies/new", new Dictionary<string, string>
        {
            ["Name"] = "Dropbox", ["WebDomain"] = "dropbox.com", ["City"] = "San Francisco", ["Source"] = "Referral",
        });
        People.Expect(added, HttpStatusCode.Redirect);
        var id = await _w.DbAsync(db => db.Companies.Where(c => c.Name == "Dropbox").Select(c => c.Id).SingleAsync());
        Assert.Equal($"/companies/{id}", added.Headers.Location!.OriginalString);

        var again = await _w.Merlinux.PostFormAsync("/companies/new", new Dictionary<string, string> { ["Name"] = "Dropbox Storage", ["WebDomain"] = "www.dropbox.com", ["Source"] = "Other" });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var page = await again.ReadPageAsync();
        Assert.Equal("“Dropbox” is already here (same web domain). Open it, or change the web domain.", page.FieldError("WebDomain"));
        Assert.Equal($"/companies/{id}", page.QuerySelector("[data-testid=duplicate] a")!.GetAttribute("href"));
        Assert.Null(page.QuerySelector("[data-testid=duplicate] a[href*=merge]")); // nothing to merge a new company with
        Assert.Equal("Dropbox Storage", page.QuerySelector("input[name=Name]")!.GetAttribute("value")); // nothing typed is lost
        Assert.Equal(1, await _w.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task New_company_refuses_bad_input_beside_the_field_and_keeps_what_was_typed()
    {
        var refused = await _w.OpenEnd.PostFormAsync("/companies/new", new Dictionary<string, string>
        {
            ["Name"] = "", ["WebDomain"] = "<script>", ["City"] = "Atlanta", ["Source"] = "TourStop", ["SourceTourStopId"] = "abc",
        });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.ReadPageAsync();
        Assert.NotNull(page.FieldError("SourceTourStopId"));
        Assert.Equal("Atlanta", page.QuerySelector("input[name=City]")!.GetAttribute("value"));
        Assert.Equal(0, await _w.DbAsync(db => db.Companies.CountAsync()));

        var page2 = await (await _w.OpenEnd.PostFormAsync("/companies/new", new Dictionary<string, string> { ["Name"] = "", ["WebDomain"] = "<script>", ["Source"] = "Other" })).ReadPageAsync();
        Assert.Equal("Enter the company's name.", page2.FieldError("Name"));
        Assert.Equal("Enter a web domain such as yelp.com (a web address works too).", page2.FieldError("WebDomain"));
    }

    [Fact]
    public async Task New_follow_up_on_the_follow_ups_page_picks_the_company_then_schedules_it()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        var list = await _w.OpenEnd.GetPageAsync("/followups");
        Assert.Equal("/followups/new", list.QuerySelector("[data-testid=new-followup]")!.GetAttribute("href"));

        var mine = await _w.OpenEnd.GetPageAsync("/followups/new");
        Assert.Equal(["Yelp"], mine.QuerySelectorAll("[data-testid=company-choices] a").Select(a => a.TextContent).ToList()); // Open End's leads
        var found = await _w.OpenEnd.GetPageAsync("/followups/new?q=mozi");
        Assert.Equal(["Mozilla"], found.QuerySelectorAll("[data-testid=company-choices] a").Select(a => a.TextContent).ToList());
        var choice = mine.QuerySelector("[data-testid=company-choices] a")!.GetAttribute("href")!;
        Assert.Equal($"/followups/new?companyId={yelp}", choice);

        var scheduled = await _w.OpenEnd.PostFormAsync(choice, new Dictionary<string, string>
        {
            ["FollowUp.Wanted"] = "true", ["FollowUp.OwnerUserId"] = await _w.UserIdAsync("jacob@openend.se"),
            ["FollowUp.DueLocal"] = "2011-03-04T10:00", ["FollowUp.TimeZoneId"] = "America/Los_Angeles", ["FollowUp.Note"] = "Send the JIT numbers",
        });

        People.Expect(scheduled, HttpStatusCode.Redirect);
        var followUp = await _w.DbAsync(db => db.FollowUps.SingleAsync());
        Assert.Equal((yelp, new DateTime(2011, 3, 4, 18, 0, 0), "Send the JIT numbers"), (followUp.CompanyId, followUp.DueAtUtc, followUp.Note));
        Assert.NotNull((await _w.OpenEnd.GetPageAsync("/followups/new?q=%00%3Cscript%3E")).QuerySelector("[data-testid=no-companies]"));
    }

    [Fact]
    public async Task Mark_delivered_before_the_scheduled_start_asks_to_confirm_and_changes_nothing_until_then()
    {
        var id = await NewRequestAsync(_w.Admin);
        People.Expect(await ScheduleAsync(_w.Admin, id, "2011-03-04T14:00", "2011-03-04T15:00", [Armin], confirm: true), HttpStatusCode.Redirect);
        var page = await _w.Admin.GetPageAsync($"/presentations/{id}");
        Assert.Contains("Fri 4 Mar 2011, 14:00–15:00 PST", DealsWorld.Text(page, "confirm-before-start"), StringComparison.Ordinal);

        var early = await _w.Admin.PostFormAsync($"/presentations/{id}", new Dictionary<string, string> { ["Attendance"] = "35" }, $"/presentations/{id}/deliver");

        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        var refused = await early.ReadPageAsync();
        Assert.Equal("It is scheduled for Fri 4 Mar 2011, 14:00–15:00 PST, which has not come yet. Tick “It has taken place” to mark it delivered anyway.",
            refused.FieldError("ConfirmBeforeStart"));
        Assert.Equal("35", refused.QuerySelector("input[name=Attendance]")!.GetAttribute("value"));
        Assert.Equal(PresentationStatus.Scheduled, await _w.DbAsync(db => db.PresentationRequests.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));

        var confirmed = await _w.Admin.PostFormAsync($"/presentations/{id}", new Dictionary<string, string> { ["Attendance"] = "35", ["ConfirmBeforeStart"] = "true" },
            $"/presentations/{id}/deliver");
        People.Expect(confirmed, HttpStatusCode.Redirect, $"/presentations/{id}");
        Assert.Equal(PresentationStatus.Delivered, await _w.DbAsync(db => db.PresentationRequests.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_contact_met_at_a_stop_still_ahead_is_questioned_with_the_stop_meant_and_saved_once_confirmed()
    {
        var form = await _w.OpenEnd.GetPageAsync("/log-contact");
        var options = form.QuerySelectorAll("select[name=TourStopId] option").Select(o => o.TextContent).ToList();
        Assert.Contains("Stanford talk · Wed 2 Mar", options);
        Assert.Contains("Yelp talk · Thu 3 Mar (not yet)", options);
        var jacob = await _w.UserIdAsync("jacob@openend.se");
        var fields = new Dictionary<string, string> { ["TourStopId"] = "2", ["CompanyName"] = "Yelp", ["MetBy"] = jacob };

        var questioned = await _w.OpenEnd.PostFormAsync("/log-contact", fields);

        Assert.Equal(HttpStatusCode.OK, questioned.StatusCode);
        var page = await questioned.ReadPageAsync();
        Assert.Equal("Not yet: the Yelp talk · Thu 3 Mar has not happened. Did you mean the Stanford talk · Wed 2 Mar? " +
                     "Choose it, or tick “Yes, at the Yelp talk” to log it there anyway.", page.FieldError("TourStopId"));
        Assert.Equal("Yes, at the Yelp talk", DealsWorld.Text(page, "confirm-stop-ahead"));
        Assert.Equal(0, await _w.DbAsync(db => db.Companies.CountAsync()));

        fields["ConfirmStopAhead"] = "true";
        People.Expect(await _w.OpenEnd.PostFormAsync("/log-contact", fields), HttpStatusCode.Redirect);
        Assert.Equal(2, await _w.DbAsync(db => db.Encounters.Select(e => e.TourStopId).SingleAsync()));
    }

    [Fact]
    public async Task The_presentation_page_lists_the_chosen_topics_apart_from_the_free_text()
    {
        var response = await _w.Admin.PostFormAsync("/presentations/new", new Dictionary<string, string>
        {
            ["CompanyName"] = "Yelp", ["ContactName"] = "Jane Doe", ["ContactEmail"] = "jane@example.com", ["City"] = "San Francisco",
            ["AudienceSize"] = "40", ["Topics"] = "JitSpeed", ["OtherTopics"] = "How the GC copes with 4 GB heaps",
        });
        People.Expect(response, HttpStatusCode.Redirect);

        var page = await _w.Admin.GetPageAsync(response.Headers.Location!.OriginalString);

        Assert.Equal(["JIT speed: most Python benchmarks run much faster than with CPython or Psyco"],
            page.QuerySelectorAll("[data-testid=presentation-topic]").Select(t => t.TextContent.Trim()).ToList());
        Assert.Equal("How the GC copes with 4 GB heaps", DealsWorld.Text(page, "presentation-other-topics"));
        Assert.DoesNotContain("4 GB", DealsWorld.Text(page, "presentation-topics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clash_message_on_the_meeting_form_says_when_the_person_is_free_again()
    {
        var warned = await _w.Admin.PostListFormAsync("/meetings/new", "/meetings/new", new Dictionary<string, string>
        {
            ["CompanyName"] = "Mozilla", ["Kind"] = "Dinner", ["Area"] = "Bay Area", ["Place"] = "Zuni Café",
            ["StartsLocal"] = "2011-03-03T19:00", ["EndsLocal"] = "2011-03-03T21:00",
        }, ("TeamMemberIds", [Armin]));

        Assert.Contains("until 19:30, plus 30 minutes to travel. Free from 20:00.", DealsWorld.Text(await warned.ReadPageAsync(), "clash-warning"), StringComparison.Ordinal);
        Assert.Equal(0, await _w.DbAsync(db => db.Meetings.CountAsync()));
    }
}
