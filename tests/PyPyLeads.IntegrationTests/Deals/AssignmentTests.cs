using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

public sealed class AssignmentTests : IAsyncLifetime
{
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync();

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private static Dictionary<string, string> Assign(int? consultancyId, string reason, long version) => new()
    {
        ["ConsultancyId"] = consultancyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", ["Reason"] = reason,
        ["Version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Admin_assigns_then_reassigns_and_each_change_is_on_the_company_timeline_with_who_when_and_why()
    {
        var yelp = await _w.CompanyAsync("Yelp");
        var response = await _w.Admin.PostFormAsync($"/leads/{yelp}/assign?returnUrl=/leads/unassigned",
            new Dictionary<string, string> { ["ConsultancyId"] = "1", ["Reason"] = "Laura met their CTO at the Yelp talk" });
        People.Expect(response, HttpStatusCode.Redirect, "/leads/unassigned");

        _w.Clock.Advance(TimeSpan.FromHours(2));
        response = await _w.Admin.PostFormAsync($"/leads/{yelp}/assign",
            new Dictionary<string, string> { ["ConsultancyId"] = "2", ["Reason"] = "merlinux does their hosting work" });
        People.Expect(response, HttpStatusCode.Redirect, $"/leads/{yelp}/assign");

        var company = await _w.DbAsync(db => db.Companies.SingleAsync(c => c.Id == yelp));
        Assert.Equal(Consultancy.MerlinuxId, company.ConsultancyId);
        Assert.Equal(2, company.Version);
        var entries = await _w.DbAsync(db => db.Timeline.Where(t => t.CompanyId == yelp).OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(DealTimeline.Assigned, e.Kind));
        Assert.Equal("Assigned to Open End", entries[0].Summary);
        Assert.Equal("Laura met their CTO at the Yelp talk", entries[0].Details);
        Assert.Equal(DealsWorld.Start.UtcDateTime, entries[0].AtUtc);
        Assert.Equal("Laura Creighton", entries[0].ActorName);
        Assert.Equal(await _w.UserIdAsync(People.AdminEmail), entries[0].ActorUserId);
        Assert.Equal("Reassigned from Open End to merlinux", entries[1].Summary);
        Assert.Equal(DealsWorld.Start.UtcDateTime.AddHours(2), entries[1].AtUtc);

        // Everyone sees the history, newest first, in their own zone (Jacob's is Pacific).
        var page = await _w.OpenEnd.GetPageAsync($"/leads/{yelp}/assign");
        Assert.Equal("merlinux", DealsWorld.Text(page, "assigned-to"));
        var lines = page.QuerySelectorAll("[data-testid=assignment]").Select(l => l.TextContent).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("Reassigned from Open End to merlinux", lines[0], StringComparison.Ordinal);
        Assert.Contains("2 Mar 2011, 11:00 PST", lines[0], StringComparison.Ordinal);
        Assert.Contains("merlinux does their hosting work", lines[0], StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=assign-form]"));
    }

    [Fact]
    public async Task Unassigned_inbox_lists_live_unassigned_leads_oldest_first_and_empties_as_they_are_assigned()
    {
        var google = await _w.CompanyAsync("Google", createdAtUtc: DealsWorld.Start.UtcDateTime.AddDays(5));
        var yelp = await _w.CompanyAsync("Yelp", createdAtUtc: DealsWorld.Start.UtcDateTime.AddDays(1));
        await _w.CompanyAsync("Mozilla", Consultancy.OpenEndId);
        var gone = await _w.CompanyAsync("Gone Inc");
        await _w.DbAsync(db => db.Companies.Where(c => c.Id == gone).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAtUtc, DealsWorld.Start.UtcDateTime)));

        var inbox = await _w.Merlinux.GetPageAsync("/leads/unassigned");
        Assert.Equal("2", DealsWorld.Text(inbox, "unassigned-count"));
        Assert.Equal(["Yelp", "Google"], inbox.QuerySelectorAll("[data-testid=unassigned-lead] strong").Select(s => s.TextContent).ToList());
        Assert.Empty(inbox.QuerySelectorAll($"a[href='/leads/{yelp}/assign?returnUrl=%2Fleads%2Funassigned']")); // members cannot assign

        var admin = await _w.Admin.GetPageAsync("/leads/unassigned");
        Assert.NotNull(admin.QuerySelector($"a[href='/leads/{yelp}/assign?returnUrl=%2Fleads%2Funassigned']"));
        await _w.Admin.PostFormAsync($"/leads/{yelp}/assign?returnUrl=%2Fleads%2Funassigned", new Dictionary<string, string> { ["ConsultancyId"] = "1", ["Reason"] = "talk" });
        await _w.Admin.PostFormAsync($"/leads/{google}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "2", ["Reason"] = "talk" });
        var empty = await _w.Admin.GetPageAsync("/leads/unassigned");
        Assert.Equal("0", DealsWorld.Text(empty, "unassigned-count"));
        Assert.NotNull(empty.QuerySelector("[data-testid=inbox-empty]"));
        Assert.Equal(HttpStatusCode.NotFound, (await _w.Admin.GetAsync($"/leads/{gone}/assign")).StatusCode);
    }

    [Fact]
    public async Task A_reason_is_required_a_same_assignment_is_refused_and_hostile_text_is_stored_exactly_and_shown_encoded()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var noReason = await (await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "2", ["Reason"] = "" })).ReadPageAsync();
        Assert.Equal("Say why: it goes on the company's timeline.", noReason.FieldError("Reason"));
        var same = await (await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "1", ["Reason"] = "x" })).ReadPageAsync();
        Assert.Equal("It is already assigned to Open End.", same.FieldError("ConsultancyId"));
        var bogus = await (await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "99", ["Reason"] = "x" })).ReadPageAsync();
        Assert.Equal("Choose Open End, merlinux or not assigned.", bogus.FieldError("ConsultancyId"));
        var longReason = await (await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "2", ["Reason"] = new string('x', 10_000) })).ReadPageAsync();
        Assert.Equal("Use at most 500 characters.", longReason.FieldError("Reason"));
        var control = await (await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "2", ["Reason"] = "a\u0007b" })).ReadPageAsync();
        Assert.Equal("Remove the control characters (line breaks, tabs...).", control.FieldError("Reason"));
        Assert.Equal(0, await _w.TimelineCountAsync(yelp));

        const string hostile = "<script>alert(1)</script> '; DROP TABLE Companies; -- \u200Fעברית";
        var response = await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "", ["Reason"] = hostile });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entry = await _w.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == yelp));
        Assert.Equal(hostile, entry.Details);
        Assert.Equal("Unassigned (was Open End)", entry.Summary);
        var html = await _w.Admin.GetStringAsync($"/leads/{yelp}/assign");
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consultancy_that_is_not_a_number_is_refused_beside_the_field_and_does_not_unassign_the_lead()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);

        var page = await (await _w.Admin.PostFormAsync($"/leads/{yelp}/assign", new Dictionary<string, string> { ["ConsultancyId"] = "abc", ["Reason"] = "tampered" })).ReadPageAsync();

        Assert.Equal("The value 'abc' is not valid for ConsultancyId.", page.FieldError("ConsultancyId"));
        Assert.Equal(Consultancy.OpenEndId, await _w.DbAsync(db => db.Companies.Where(c => c.Id == yelp).Select(c => c.ConsultancyId).SingleAsync()));
        Assert.Equal(0, await _w.TimelineCountAsync(yelp));
    }

    [Fact]
    public async Task A_stale_assignment_form_is_refused_with_409_and_shows_the_current_assignment()
    {
        var yelp = await _w.CompanyAsync("Yelp");
        // Two admins' pages were loaded at version 0; the first saves.
        People.Expect(await DealsWorld.PostAsync(_w.Admin, $"/leads/{yelp}/assign", Assign(1, "first", 0)), HttpStatusCode.Redirect);
        var second = await DealsWorld.PostAsync(_w.Admin, $"/leads/{yelp}/assign", Assign(2, "second", 0));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var page = await second.ReadPageAsync();
        Assert.Contains("it is now Open End", DealsWorld.Text(page, "conflict"), StringComparison.Ordinal);
        Assert.Equal("Open End", DealsWorld.Text(page, "assigned-to"));
        Assert.Equal("1", page.QuerySelector("input[name=Version]")!.GetAttribute("value"));
        Assert.Equal("second", page.QuerySelector("input[name=Reason]")!.GetAttribute("value")); // what they typed is kept
        var company = await _w.DbAsync(db => db.Companies.SingleAsync(c => c.Id == yelp));
        Assert.Equal(Consultancy.OpenEndId, company.ConsultancyId);
        Assert.Equal(1, await _w.TimelineCountAsync(yelp));
    }

    [Fact]
    public async Task Only_admins_assign_a_lead_everyone_else_gets_403_or_sign_in_and_nothing_changes()
    {
        var yelp = await _w.CompanyAsync("Yelp");
        foreach (var (who, client) in new[] { ("Open End member", _w.OpenEnd), ("merlinux member", _w.Merlinux), ("member of neither", _w.Neither) })
        {
            var response = await DealsWorld.PostAsync(client, $"/leads/{yelp}/assign", Assign(client == _w.OpenEnd ? 1 : 2, "mine", 0));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)response.StatusCode}");
        }
        var anonymous = await DealsWorld.PostAsync(_w.Anonymous, $"/leads/{yelp}/assign", Assign(1, "mine", 0));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/account/signin", anonymous.Headers.Location!.AbsolutePath);
        var company = await _w.DbAsync(db => db.Companies.SingleAsync(c => c.Id == yelp));
        Assert.Null(company.ConsultancyId);
        Assert.Equal(0, company.Version);
        Assert.Equal(0, await _w.TimelineCountAsync(yelp));

        People.Expect(await DealsWorld.PostAsync(_w.Admin, $"/leads/{yelp}/assign", Assign(1, "admin", 0)), HttpStatusCode.Redirect);
        Assert.Equal(Consultancy.OpenEndId, (await _w.DbAsync(db => db.Companies.SingleAsync(c => c.Id == yelp))).ConsultancyId);
    }
}
