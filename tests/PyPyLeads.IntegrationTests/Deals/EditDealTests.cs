using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>The edit-a-deal use case, called directly on a real SQLite file.</summary>
public sealed class EditDealTests : IAsyncLifetime
{
    private DealRig _d = null!;
    private int _yelp;

    public async Task InitializeAsync()
    {
        _d = await DealRig.StartAsync();
        _yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _d.DisposeAsync();

    private async Task<List<PyPyLeads.Timeline.TimelineEntry>> EditLinesAsync() =>
        (await _d.TimelineAsync(_yelp)).Where(t => t.Kind == DealTimeline.Edited).ToList();

    [Fact]
    public async Task A_member_edits_their_consultancy_s_deal_and_the_timeline_lists_what_changed_by_display_name()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        _d.Clock.Advance(TimeSpan.FromDays(10));

        var outcome = await _d.EditAsync(DealRig.Editing(id, version: 0, value: "15000", closes: "2011-03-02", probability: "60"), _d.Jacob);

        Assert.Equal($"Deal #{id} saved.", Assert.IsType<Done<EditDeal.Saved>>(outcome).Value.Message);
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((1_500_000L, new DateOnly(2011, 3, 2), 60, true, DealRig.Start.AddDays(10), 1L),
            (deal.ValueMinor!.Value, deal.ExpectedCloseOn, deal.Probability, deal.ProbabilityOverridden, deal.LastActivityAtUtc, deal.Version));
        var line = Assert.Single(await EditLinesAsync());
        Assert.Equal(($"Consulting deal #{id} “JIT consulting” edited", "Jacob Hallén", DealRig.Start.AddDays(10), "Deal", (long?)id),
            (line.Summary, line.ActorName, line.AtUtc, line.SubjectType, line.SubjectId));
        Assert.Equal("Value: 12,000.00 EUR → 15,000.00 EUR\nProbability: 10 % (stage default) → 60 %\nExpected close: 30 Jun 2011 → 2 Mar 2011", line.Details);
    }

    [Fact]
    public async Task Sending_the_deal_as_it_is_changes_and_writes_nothing()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        var outcome = await _d.EditAsync(DealRig.Editing(id, version: 0), _d.Jacob);

        Assert.Equal("Nothing changed.", Assert.IsType<Done<EditDeal.Saved>>(outcome).Value.Message);
        Assert.Equal((0L, DealRig.Start), ((await _d.ReadDealAsync(id)).Version, (await _d.ReadDealAsync(id)).LastActivityAtUtc));
        Assert.Empty(await EditLinesAsync());
    }

    [Fact]
    public async Task A_member_of_the_other_consultancy_or_of_neither_cannot_edit_the_deal()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        foreach (var outsider in new[] { _d.Holger, _d.Armin })
        {
            Assert.Equal("Only Open End members and admins edit this deal.",
                Assert.IsType<NotAllowed>(await _d.EditAsync(DealRig.Editing(id, version: 0, value: "1"), outsider)).Message);
        }
        Assert.Equal((1_200_000L, 0L), ((await _d.ReadDealAsync(id)).ValueMinor!.Value, (await _d.ReadDealAsync(id)).Version));
        Assert.Empty(await EditLinesAsync());
    }

    [Fact]
    public async Task A_member_s_consultancy_and_owner_are_ignored_and_the_rest_is_saved()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(
            DealRig.Editing(id, version: 0, value: "13000", consultancyId: Consultancy.MerlinuxId, ownerUserId: _d.Holger.UserId), _d.Jacob));

        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((Consultancy.OpenEndId, _d.Jacob.UserId, 1_300_000L), (deal.ConsultancyId, deal.OwnerUserId, deal.ValueMinor!.Value));
    }

    [Fact]
    public async Task An_admin_moves_a_deal_to_the_other_consultancy_only_with_an_owner_from_there_or_an_admin()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        var refused = Assert.IsType<Invalid>(await _d.EditAsync(DealRig.Editing(id, version: 0, consultancyId: Consultancy.MerlinuxId), _d.Laura));
        Assert.Equal([new FieldError("OwnerUserId", "Choose an owner from merlinux or an admin.")], refused.Errors);

        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(
            DealRig.Editing(id, version: 0, consultancyId: Consultancy.MerlinuxId, ownerUserId: _d.Holger.UserId), _d.Laura));
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((Consultancy.MerlinuxId, _d.Holger.UserId), (deal.ConsultancyId, deal.OwnerUserId));
        var line = Assert.Single(await EditLinesAsync());
        Assert.Equal(($"Consulting deal #{id} “JIT consulting” moved from Open End to merlinux", "Laura Creighton"), (line.Summary, line.ActorName));
        Assert.Equal("Consultancy: Open End → merlinux\nOwner: Jacob Hallén → Holger Krekel", line.Details);

        // Now it is merlinux's: Jacob no longer edits it, Holger does.
        Assert.IsType<NotAllowed>(await _d.EditAsync(DealRig.Editing(id, version: 1, value: "1"), _d.Jacob));
        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(DealRig.Editing(id, version: 1, value: "1"), _d.Holger));
    }

    [Fact]
    public async Task An_owner_who_could_no_longer_be_chosen_stays_while_others_edit_the_deal()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        // Jacob leaves Open End.
        await _d.Rig.DbAsync(db => db.Users.Where(u => u.Id == _d.Jacob.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.ConsultancyId, (int?)null)));
        var anna = await _d.Rig.UserAsync("Anna Ravencroft", "anna@openend.se", consultancyId: Consultancy.OpenEndId);

        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(DealRig.Editing(id, version: 0, value: "14000"), anna));
        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(DealRig.Editing(id, version: 1, value: "15000", ownerUserId: _d.Jacob.UserId), _d.Laura));
        var invalid = Assert.IsType<Invalid>(await _d.EditAsync(DealRig.Editing(id, version: 2, consultancyId: Consultancy.MerlinuxId, ownerUserId: _d.Jacob.UserId), _d.Laura));
        Assert.Equal("OwnerUserId", Assert.Single(invalid.Errors).Field);
        Assert.Equal(_d.Jacob.UserId, (await _d.ReadDealAsync(id)).OwnerUserId);
    }

    [Fact]
    public async Task A_stale_version_saves_nothing_and_answers_with_the_deal_as_it_stands_and_who_changed_it()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        _d.Clock.Advance(TimeSpan.FromHours(1));
        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(DealRig.Editing(id, version: 0, value: "30000", title: "JIT and STM"), _d.Laura));

        var outcome = await _d.EditAsync(DealRig.Editing(id, version: 0, value: "20000"), _d.Jacob);

        var conflict = Assert.IsType<Conflict<EditDeal.Current>>(outcome);
        Assert.Equal((30000m, "JIT and STM", 1L, _yelp, DealStage.New, (int?)null), (conflict.Current.Value!.Value, conflict.Current.Title, conflict.Current.Version,
            conflict.Current.CompanyId, conflict.Current.Stage, conflict.Current.Probability));
        // In Jacob's zone (Stockholm): 18:00 UTC is 19:00 CET.
        Assert.StartsWith("Laura Creighton (2 Mar 2011, 19:00 CET) changed this deal while you were editing.", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(3_000_000, (await _d.ReadDealAsync(id)).ValueMinor);
        Assert.Single(await EditLinesAsync());
    }

    [Fact]
    public async Task A_won_deal_keeps_a_value()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        Assert.IsType<Done<MoveDeal.Moved>>(await _d.MoveAsync(id, DealStage.Won, 0, _d.Jacob));

        var invalid = Assert.IsType<Invalid>(await _d.EditAsync(DealRig.Editing(id, version: 1, value: null), _d.Jacob));

        Assert.Equal([new FieldError("Value", "A won deal needs its value.")], invalid.Errors);
        Assert.Equal(1_200_000, (await _d.ReadDealAsync(id)).ValueMinor);
    }

    [Fact]
    public async Task A_new_expected_close_cannot_be_before_the_creation_day_but_one_left_as_it_is_stays()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        // As if imported with a close date before its creation.
        await _d.Rig.DbAsync(db => db.Deals.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ExpectedCloseOn, new DateOnly(2011, 2, 1))));
        _d.Clock.Advance(TimeSpan.FromDays(10));

        var invalid = Assert.IsType<Invalid>(await _d.EditAsync(DealRig.Editing(id, version: 0, closes: "2011-03-01"), _d.Jacob));
        Assert.Equal([new FieldError("ExpectedCloseOn", "The expected close cannot be before the deal was created (2 Mar 2011).")], invalid.Errors);

        Assert.IsType<Done<EditDeal.Saved>>(await _d.EditAsync(DealRig.Editing(id, version: 0, closes: "2011-02-01", value: "5"), _d.Jacob));
        Assert.Equal(new DateOnly(2011, 2, 1), (await _d.ReadDealAsync(id)).ExpectedCloseOn);
    }

    [Fact]
    public async Task The_field_rules_of_a_new_deal_hold_for_an_edit_too()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        var invalid = Assert.IsType<Invalid>(await _d.EditAsync(DealRig.Editing(id, version: 0, value: "-5", currency: "BTC", probability: "101",
            closes: "tomorrow", title: "two\nlines", kind: null), _d.Jacob));

        Assert.Equal(["Currency", "ExpectedCloseOn", "Kind", "Probability", "Title", "Value"], invalid.Errors.Select(e => e.Field).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(1_200_000, (await _d.ReadDealAsync(id)).ValueMinor);
    }

    [Fact]
    public async Task An_unknown_deal_is_not_found()
    {
        Assert.IsType<NotFound>(await _d.EditAsync(DealRig.Editing(9999, version: 0), _d.Laura));
    }
}
