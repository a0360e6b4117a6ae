using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

public sealed class DealTests : IAsyncLifetime
{
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync();

    public async Task DisposeAsync() => await _w.DisposeAsync();

    public static Dictionary<string, string> Fields(string kind = "Consulting", string value = "12000", string currency = "EUR", string closes = "2011-06-30",
        string probability = "", string title = "JIT consulting", string notes = "", string stage = "New") => new()
    {
        ["Kind"] = kind, ["Value"] = value, ["Currency"] = currency, ["ExpectedCloseOn"] = closes, ["Probability"] = probability,
        ["Title"] = title, ["Notes"] = notes, ["Stage"] = stage,
    };

    private static int IdFrom(HttpResponseMessage response)
    {
        People.Expect(response, HttpStatusCode.Redirect);
        return int.Parse(response.Headers.Location!.OriginalString.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<int> CreateAsync(HttpClient client, int companyId, Dictionary<string, string>? fields = null) =>
        IdFrom(await client.PostFormAsync($"/deals/new?companyId={companyId}", fields ?? Fields(), "/deals/new"));

    private static Task<HttpResponseMessage> MoveAsync(HttpClient client, int dealId, string stage, long version, string? reason = null) =>
        DealsWorld.PostAsync(client, $"/deals/{dealId}/move", new Dictionary<string, string>
        {
            ["Stage"] = stage, ["Version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["LostReason"] = reason ?? "",
        });

    [Fact]
    public async Task A_member_creates_a_deal_on_their_consultancy_s_lead_owned_by_them_whatever_else_they_post()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var holger = await _w.UserIdAsync("holger@merlinux.eu");
        var fields = Fields(value: "12,000.50", notes: "Wants the JIT\non ARM");
        fields["ConsultancyId"] = "2";       // not theirs to set
        fields["OwnerUserId"] = holger;      // nor this
        var id = await CreateAsync(_w.OpenEnd, yelp, fields);

        var deal = await _w.ReadDealAsync(id);
        Assert.Equal(Consultancy.OpenEndId, deal.ConsultancyId);
        Assert.Equal(await _w.UserIdAsync("jacob@openend.se"), deal.OwnerUserId);
        Assert.Equal(1_200_050, deal.ValueMinor);
        Assert.Equal("EUR", deal.Currency);
        Assert.Equal(DealStage.New, deal.Stage);
        Assert.Equal(10, deal.Probability);
        Assert.False(deal.ProbabilityOverridden);
        Assert.Equal(new DateOnly(2011, 6, 30), deal.ExpectedCloseOn);
        Assert.Equal("Wants the JIT\non ARM", deal.Notes);
        var created = Assert.Single(deal.StageChanges);
        Assert.Null(created.FromStage);
        Assert.Equal(("Jacob Hallén", DealsWorld.Start.UtcDateTime), (created.ByName, created.AtUtc));
        var line = await _w.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == yelp));
        Assert.Equal((DealTimeline.Created, "Deal", (long?)id), (line.Kind, line.SubjectType, line.SubjectId));
        Assert.Equal($"New consulting deal #{id} “JIT consulting” for Open End: 12,000.50 EUR, New, expected to close 30 Jun 2011", line.Summary);

        var page = await _w.Merlinux.GetPageAsync($"/deals/{id}"); // everyone sees it
        Assert.Equal("12,000.50 EUR", DealsWorld.Text(page, "deal-value"));
        Assert.Equal("Jacob Hallén", DealsWorld.Text(page, "deal-owner"));
        Assert.NotNull(page.QuerySelector("[data-testid=read-only]"));
        Assert.Null(page.QuerySelector("[data-testid=move-form]"));
    }

    public static readonly (string Field, string Value, string Message)[] BadInputs =
    [
        ("Value", "-5", "The value cannot be negative."),
        ("Value", "12.345", "EUR amounts have at most 2 decimals."),
        ("Value", "12 thousand", "Enter an amount like 12000 or 12000.50."),
        ("Value", "1e6", "Enter an amount like 12000 or 12000.50."),
        ("Value", "1000000000.01", "At most 1,000,000,000."),
        ("Probability", "101", "Enter a whole number from 0 to 100, or leave it empty for the stage's default."),
        ("Probability", "-1", "Enter a whole number from 0 to 100, or leave it empty for the stage's default."),
        ("Probability", "fifty", "Enter a whole number from 0 to 100, or leave it empty for the stage's default."),
        ("ExpectedCloseOn", "2011-03-01", "The expected close cannot be before the deal is created (2 Mar 2011)."),
        ("ExpectedCloseOn", "30/06/2011", "Enter a date like 2011-09-30."),
        ("ExpectedCloseOn", "", "Enter the date the deal is expected to close."),
        ("Currency", "BTC", "Choose a currency from the list."),
        ("Currency", "GBP", "Choose a currency from the list."),
        ("Kind", "Bribery", "The value 'Bribery' is not valid for Kind."),
        ("Kind", "7", "The value '7' is invalid."),
        ("Stage", "Won", "A new deal starts in an open stage; move it to Won or Lost afterwards."),
        ("Title", "line\nbreak", "Remove the control characters (line breaks, tabs...)."),
        ("Notes", "bell\u0007", "Remove the control characters."),
    ];

    [Fact]
    public async Task Bad_input_gets_a_message_beside_its_field_keeps_what_was_typed_and_saves_nothing()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        foreach (var (field, value, message) in BadInputs)
        {
            var fields = Fields(title: "Keep me");
            fields[field] = value;
            var response = await _w.OpenEnd.PostFormAsync($"/deals/new?companyId={yelp}", fields, "/deals/new");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{field}={value}: {(int)response.StatusCode}");
            var page = await response.ReadPageAsync();
            Assert.True(page.FieldError(field) == message, $"{field}={value}: '{page.FieldError(field)}'");
            if (field != "Title")
            {
                Assert.Equal("Keep me", page.QuerySelector("input[name=Title]")!.GetAttribute("value"));
            }
            if (field == "Value")
            {
                Assert.Equal(value, page.QuerySelector("input[name=Value]")!.GetAttribute("value"));
            }
        }
        Assert.Equal(0, await _w.DbAsync(db => db.Deals.CountAsync()));
    }

    [Fact]
    public async Task Other_currencies_use_their_own_decimals_and_a_value_may_be_left_empty_until_known()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var sek = await CreateAsync(_w.OpenEnd, yelp, Fields(value: "150 000.25", currency: "SEK"));
        Assert.Equal(15_000_025, (await _w.ReadDealAsync(sek)).ValueMinor);
        var unknown = await CreateAsync(_w.OpenEnd, yelp, Fields(value: ""));
        Assert.Null((await _w.ReadDealAsync(unknown)).ValueMinor);
        Assert.Equal("no value yet", DealsWorld.Text(await _w.OpenEnd.GetPageAsync($"/deals/{unknown}"), "deal-value"));
    }

    [Fact]
    public async Task Hostile_text_and_10000_characters_are_refused_or_stored_exactly_and_shown_encoded()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var tooLong = await (await _w.OpenEnd.PostFormAsync($"/deals/new?companyId={yelp}", Fields(notes: new string('n', 10_000)), "/deals/new")).ReadPageAsync();
        Assert.Equal("Use at most 4000 characters.", tooLong.FieldError("Notes"));
        Assert.Equal(10_000, tooLong.QuerySelector("textarea[name=Notes]")!.TextContent.Length); // nothing lost

        const string title = "<script>alert('x')</script> \u202Eevil\u202C \u200F; DELETE FROM Deals; --";
        const string notes = "<img src=x onerror=alert(1)>\r\nRobert'); DROP TABLE Deals;--";
        var id = await CreateAsync(_w.OpenEnd, yelp, Fields(title: title, notes: notes));
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal(title, deal.Title);
        Assert.Equal(notes, deal.Notes);
        foreach (var url in new[] { $"/deals/{id}", "/deals", "/", $"/deals/{id}/edit" })
        {
            var html = await _w.OpenEnd.GetStringAsync(url);
            Assert.DoesNotContain("<script>alert('x')</script>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        }
        var page = await _w.OpenEnd.GetPageAsync($"/deals/{id}");
        Assert.Equal(title, DealsWorld.Text(page, "deal-title"));
    }

    [Fact]
    public async Task Every_stage_change_is_kept_with_who_and_when_and_shows_on_the_company_timeline()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.OpenEnd, yelp);
        _w.Clock.Advance(TimeSpan.FromDays(1));
        People.Expect(await MoveAsync(_w.OpenEnd, id, "Proposal", 0), HttpStatusCode.Redirect, $"/deals/{id}");
        _w.Clock.Advance(TimeSpan.FromDays(1));
        People.Expect(await MoveAsync(_w.Admin, id, "Lost", 1, "They chose CPython and more hardware"), HttpStatusCode.Redirect);
        _w.Clock.Advance(TimeSpan.FromDays(1));
        People.Expect(await MoveAsync(_w.OpenEnd, id, "Negotiation", 2), HttpStatusCode.Redirect);

        var deal = await _w.ReadDealAsync(id);
        Assert.Equal(DealStage.Negotiation, deal.Stage);
        Assert.Null(deal.LostReason);
        Assert.Null(deal.ClosedAtUtc);
        var changes = deal.StageChanges.OrderBy(c => c.Id).Select(c => (c.FromStage, c.ToStage, c.ByName, c.AtUtc, c.Reason)).ToList();
        var t0 = DealsWorld.Start.UtcDateTime;
        Assert.Equal(
        [
            (null, DealStage.New, "Jacob Hallén", t0, null),
            (DealStage.New, DealStage.Proposal, "Jacob Hallén", t0.AddDays(1), null),
            (DealStage.Proposal, DealStage.Lost, "Laura Creighton", t0.AddDays(2), "They chose CPython and more hardware"),
            (DealStage.Lost, DealStage.Negotiation, "Jacob Hallén", t0.AddDays(3), null),
        ], changes);
        var timeline = await _w.DbAsync(db => db.Timeline.Where(t => t.CompanyId == yelp && t.Kind == DealTimeline.StageChanged).OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(
        [
            $"Consulting deal #{id} “JIT consulting” moved from New to Proposal",
            $"Consulting deal #{id} “JIT consulting” moved from Proposal to Lost",
            $"Consulting deal #{id} “JIT consulting” moved from Lost to Negotiation",
        ], timeline.Select(t => t.Summary));
        Assert.Equal("They chose CPython and more hardware", timeline[1].Details);
        Assert.Equal(t0.AddDays(2), timeline[1].AtUtc);

        var page = await _w.Neither.GetPageAsync($"/deals/{id}");
        var rows = page.QuerySelectorAll("[data-testid=stage-change]").Select(r => r.TextContent).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Contains("Proposal → Lost", rows[1], StringComparison.Ordinal);
        Assert.Contains("4 Mar 2011, 09:00 PST", rows[1], StringComparison.Ordinal); // Armin's zone is Pacific
        Assert.Contains("Created in New", rows[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probability_follows_the_stage_unless_set_by_hand_and_closing_sets_100_or_0()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var byDefault = await CreateAsync(_w.OpenEnd, yelp);
        var byHand = await CreateAsync(_w.OpenEnd, yelp, Fields(probability: "35 %"));
        Assert.Equal((35, true), ((await _w.ReadDealAsync(byHand)).Probability, (await _w.ReadDealAsync(byHand)).ProbabilityOverridden));

        await MoveAsync(_w.OpenEnd, byDefault, "Qualified", 0);
        await MoveAsync(_w.OpenEnd, byHand, "Qualified", 0);
        Assert.Equal(25, (await _w.ReadDealAsync(byDefault)).Probability);
        Assert.Equal(35, (await _w.ReadDealAsync(byHand)).Probability);
        await MoveAsync(_w.OpenEnd, byDefault, "Negotiation", 1);
        Assert.Equal(75, (await _w.ReadDealAsync(byDefault)).Probability);
        await MoveAsync(_w.OpenEnd, byHand, "Won", 1);
        var won = await _w.ReadDealAsync(byHand);
        Assert.Equal((DealStage.Won, 100, false, DealsWorld.Start.UtcDateTime), (won.Stage, won.Probability, won.ProbabilityOverridden, won.ClosedAtUtc!.Value));
        await MoveAsync(_w.OpenEnd, byDefault, "Lost", 2, "budget");
        Assert.Equal(0, (await _w.ReadDealAsync(byDefault)).Probability);
    }

    [Fact]
    public async Task Lost_needs_a_reason_and_Won_needs_a_value_and_nothing_changes_until_given()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.OpenEnd, yelp, Fields(value: ""));
        var lost = await (await MoveAsync(_w.OpenEnd, id, "Lost", 0)).ReadPageAsync();
        Assert.Equal("Say why the deal was lost.", lost.FieldError("LostReason"));
        Assert.Equal("Lost", lost.QuerySelector("select[name=Stage] option[selected]")!.GetAttribute("value"));
        var won = await (await MoveAsync(_w.OpenEnd, id, "Won", 0)).ReadPageAsync();
        Assert.Equal("A won deal needs its value: edit the deal and enter it first.", won.FieldError("Stage"));
        var same = await (await MoveAsync(_w.OpenEnd, id, "New", 0)).ReadPageAsync();
        Assert.Equal("It is already in New.", same.FieldError("Stage"));
        var garbage = await (await MoveAsync(_w.OpenEnd, id, "Paid", 0)).ReadPageAsync();
        Assert.Equal("The value 'Paid' is not valid for Stage.", garbage.FieldError("Stage"));
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal((DealStage.New, 0L, 1), (deal.Stage, deal.Version, deal.StageChanges.Count));

        // With a value it can be won; and a won deal's value cannot be emptied.
        People.Expect(await _w.OpenEnd.PostFormAsync($"/deals/{id}/edit", Fields(value: "5000"), $"/deals/{id}/edit"), HttpStatusCode.Redirect);
        People.Expect(await MoveAsync(_w.OpenEnd, id, "Won", 1), HttpStatusCode.Redirect);
        var empty = await (await _w.OpenEnd.PostFormAsync($"/deals/{id}/edit", Fields(value: ""), $"/deals/{id}/edit")).ReadPageAsync();
        Assert.Equal("A won deal needs its value.", empty.FieldError("Value"));
        Assert.Equal(500_000, (await _w.ReadDealAsync(id)).ValueMinor);
    }

    [Fact]
    public async Task An_edit_whose_consultancy_is_not_a_number_is_refused_beside_the_field_and_changes_nothing()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.Admin, yelp);
        var fields = Fields(value: "99000");
        fields["ConsultancyId"] = "abc";

        var page = await (await _w.Admin.PostFormAsync($"/deals/{id}/edit", fields, $"/deals/{id}/edit")).ReadPageAsync();

        Assert.Equal("The value 'abc' is not valid for ConsultancyId.", page.FieldError("ConsultancyId"));
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal((Consultancy.OpenEndId, 0L, 1_200_000L), (deal.ConsultancyId, deal.Version, deal.ValueMinor));
    }

    [Fact]
    public async Task Editing_records_what_changed_on_the_timeline_and_a_close_date_before_creation_is_refused()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.OpenEnd, yelp);
        _w.Clock.Advance(TimeSpan.FromDays(10));
        var early = await (await _w.OpenEnd.PostFormAsync($"/deals/{id}/edit", Fields(closes: "2011-03-01"), $"/deals/{id}/edit")).ReadPageAsync();
        Assert.Equal("The expected close cannot be before the deal was created (2 Mar 2011).", early.FieldError("ExpectedCloseOn"));
        // The creation day itself is fine even ten days later.
        People.Expect(await _w.OpenEnd.PostFormAsync($"/deals/{id}/edit", Fields(value: "15000", closes: "2011-03-02", probability: "60"), $"/deals/{id}/edit"),
            HttpStatusCode.Redirect, $"/deals/{id}");
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal((1_500_000L, new DateOnly(2011, 3, 2), 60, true, DealsWorld.Start.UtcDateTime.AddDays(10)),
            (deal.ValueMinor!.Value, deal.ExpectedCloseOn, deal.Probability, deal.ProbabilityOverridden, deal.LastActivityAtUtc));
        var line = await _w.DbAsync(db => db.Timeline.Where(t => t.Kind == DealTimeline.Edited).SingleAsync());
        Assert.Equal($"Consulting deal #{id} “JIT consulting” edited", line.Summary);
        Assert.Equal("Value: 12,000.00 EUR → 15,000.00 EUR\nProbability: 10 % (stage default) → 60 %\nExpected close: 30 Jun 2011 → 2 Mar 2011", line.Details);
    }

    [Fact]
    public async Task The_second_of_two_movers_is_told_and_shown_the_current_state_and_nothing_is_overwritten()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.OpenEnd, yelp);
        // Both loaded the board at version 0. Laura moves first.
        People.Expect(await MoveAsync(_w.Admin, id, "Proposal", 0), HttpStatusCode.Redirect);
        var second = await MoveAsync(_w.OpenEnd, id, "Lost", 0, "no budget");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var page = await second.ReadPageAsync();
        Assert.Contains("Laura Creighton", DealsWorld.Text(page, "conflict"), StringComparison.Ordinal);
        Assert.Contains("it is now in Proposal. Your move to Lost was not made", DealsWorld.Text(page, "conflict"), StringComparison.Ordinal);
        Assert.Equal("Proposal", DealsWorld.Text(page, "deal-stage"));
        Assert.Equal("1", page.QuerySelector("[data-testid=move-form] input[name=Version]")!.GetAttribute("value"));
        Assert.Equal("no budget", page.QuerySelector("input[name=LostReason]")!.GetAttribute("value"));
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal((DealStage.Proposal, 1L, 2), (deal.Stage, deal.Version, deal.StageChanges.Count));
    }

    [Fact]
    public async Task The_second_of_two_editors_sees_the_current_values_and_their_own_entries_and_nothing_is_overwritten()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.OpenEnd, yelp);
        var mine = Fields(value: "20000");
        mine["Version"] = "0";
        var theirs = Fields(value: "30000", title: "JIT and STM");
        theirs["Version"] = "0";
        People.Expect(await DealsWorld.PostAsync(_w.Admin, $"/deals/{id}/edit", theirs), HttpStatusCode.Redirect);
        var response = await DealsWorld.PostAsync(_w.OpenEnd, $"/deals/{id}/edit", mine);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.Contains("Laura Creighton", DealsWorld.Text(page, "conflict"), StringComparison.Ordinal);
        Assert.Equal("30000", page.QuerySelector("input[name=Value]")!.GetAttribute("value"));
        Assert.Equal("JIT and STM", page.QuerySelector("input[name=Title]")!.GetAttribute("value"));
        Assert.Equal("1", page.QuerySelector("input[name=Version]")!.GetAttribute("value"));
        var entries = page.QuerySelectorAll("[data-testid=your-entries] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains(entries, e => e.Contains("Value", StringComparison.Ordinal) && e.Contains("20000", StringComparison.Ordinal) && e.Contains("30000", StringComparison.Ordinal));
        Assert.Equal(3_000_000, (await _w.ReadDealAsync(id)).ValueMinor);
    }

    [Fact]
    public async Task Only_admins_move_a_deal_to_the_other_consultancy_with_an_owner_from_there()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var id = await CreateAsync(_w.OpenEnd, yelp);
        var holger = await _w.UserIdAsync("holger@merlinux.eu");
        var jacob = await _w.UserIdAsync("jacob@openend.se");

        // A member's attempt: the consultancy and owner are ignored, the rest is saved.
        var member = Fields(value: "13000");
        member["ConsultancyId"] = "2";
        member["OwnerUserId"] = holger;
        People.Expect(await _w.OpenEnd.PostFormAsync($"/deals/{id}/edit", member, $"/deals/{id}/edit"), HttpStatusCode.Redirect);
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal((Consultancy.OpenEndId, jacob, 1_300_000L), (deal.ConsultancyId, deal.OwnerUserId, deal.ValueMinor!.Value));

        // An admin moving it to merlinux must give it a merlinux owner (or an admin).
        var admin = Fields(value: "13000");
        admin["ConsultancyId"] = "2";
        admin["OwnerUserId"] = jacob;
        var refused = await (await _w.Admin.PostFormAsync($"/deals/{id}/edit", admin, $"/deals/{id}/edit")).ReadPageAsync();
        Assert.Equal("Choose an owner from merlinux or an admin.", refused.FieldError("OwnerUserId"));
        admin["OwnerUserId"] = holger;
        People.Expect(await _w.Admin.PostFormAsync($"/deals/{id}/edit", admin, $"/deals/{id}/edit"), HttpStatusCode.Redirect);
        deal = await _w.ReadDealAsync(id);
        Assert.Equal((Consultancy.MerlinuxId, holger), (deal.ConsultancyId, deal.OwnerUserId));
        var line = await _w.DbAsync(db => db.Timeline.Where(t => t.Kind == DealTimeline.Edited).OrderBy(t => t.Id).LastAsync());
        Assert.Equal($"Consulting deal #{id} “JIT consulting” moved from Open End to merlinux", line.Summary);
        Assert.Contains("Owner: Jacob Hallén → Holger Krekel", line.Details, StringComparison.Ordinal);

        // Now merlinux edits and moves it; Open End no longer can.
        Assert.Equal(HttpStatusCode.Forbidden, (await MoveAsync(_w.OpenEnd, id, "Qualified", deal.Version)).StatusCode);
        People.Expect(await MoveAsync(_w.Merlinux, id, "Qualified", deal.Version), HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Deals_on_unassigned_or_other_consultancy_leads_are_refused_to_members_and_admins_choose()
    {
        var unassigned = await _w.CompanyAsync("Noisebridge");
        var merlinuxLead = await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        var refusal = await _w.OpenEnd.GetPageAsync($"/deals/new?companyId={unassigned}");
        Assert.Contains("not assigned yet", DealsWorld.Text(refusal, "refusal"), StringComparison.Ordinal);
        Assert.Null(refusal.QuerySelector("[data-testid=deal-form]"));
        var other = await _w.OpenEnd.GetPageAsync($"/deals/new?companyId={merlinuxLead}");
        Assert.Contains("only its members and admins", DealsWorld.Text(other, "refusal"), StringComparison.Ordinal);

        var adminNoConsultancy = await (await _w.Admin.PostFormAsync($"/deals/new?companyId={unassigned}", Fields(), "/deals/new")).ReadPageAsync();
        Assert.Equal("This lead is not assigned yet: choose Open End or merlinux.", adminNoConsultancy.FieldError("ConsultancyId"));
        var fields = Fields();
        fields["ConsultancyId"] = "1";
        var id = await CreateAsync(_w.Admin, unassigned, fields);
        var deal = await _w.ReadDealAsync(id);
        Assert.Equal((Consultancy.OpenEndId, await _w.UserIdAsync(People.AdminEmail)), (deal.ConsultancyId, deal.OwnerUserId));
        Assert.Equal(HttpStatusCode.NotFound, (await _w.Admin.GetAsync("/deals/new?companyId=9999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _w.Admin.GetAsync("/deals/9999")).StatusCode);
    }

    [Fact]
    public async Task The_company_picker_finds_companies_by_name_and_shows_a_member_their_consultancy_s_leads()
    {
        await _w.CompanyAsync("Yelp, Inc.", Consultancy.OpenEndId);
        await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        var mine = await _w.OpenEnd.GetPageAsync("/deals/new");
        Assert.Equal(["Yelp, Inc."], mine.QuerySelectorAll("[data-testid=company-choices] a").Select(a => a.TextContent).ToList());
        var found = await _w.OpenEnd.GetPageAsync("/deals/new?q=MOZ");
        Assert.Equal(["Mozilla"], found.QuerySelectorAll("[data-testid=company-choices] a").Select(a => a.TextContent).ToList());
        var none = await _w.OpenEnd.GetPageAsync("/deals/new?q=" + Uri.EscapeDataString("'; DROP TABLE Companies; --"));
        Assert.NotNull(none.QuerySelector("[data-testid=no-companies]"));
    }
}
