using PyPyLeads.Deals;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>The move-a-deal use case, called directly on a real SQLite file.</summary>
public sealed class MoveDealTests : IAsyncLifetime
{
    private DealRig _d = null!;
    private int _yelp;

    public async Task InitializeAsync()
    {
        _d = await DealRig.StartAsync();
        _yelp = await _d.CompanyAsync("Yelp", Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _d.DisposeAsync();

    private async Task<List<PyPyLeads.Timeline.TimelineEntry>> MoveLinesAsync() =>
        (await _d.TimelineAsync(_yelp)).Where(t => t.Kind == DealTimeline.StageChanged).ToList();

    [Fact]
    public async Task Members_of_the_deal_s_consultancy_and_admins_move_it_and_each_move_is_kept_with_who_when_and_why()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        _d.Clock.Advance(TimeSpan.FromDays(1));
        var first = Assert.IsType<Done<MoveDeal.Moved>>(await _d.MoveAsync(id, DealStage.Proposal, 0, _d.Jacob)).Value;
        _d.Clock.Advance(TimeSpan.FromDays(1));
        Assert.IsType<Done<MoveDeal.Moved>>(await _d.MoveAsync(id, DealStage.Lost, 1, _d.Laura, "They chose CPython and more hardware"));

        Assert.Equal((DealStage.New, DealStage.Proposal, $"Deal #{id} (Yelp) moved from New to Proposal."), (first.From, first.To, first.Message));
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((DealStage.Lost, 0, "They chose CPython and more hardware", DealRig.Start.AddDays(2), 2L),
            (deal.Stage, deal.Probability, deal.LostReason, deal.ClosedAtUtc!.Value, deal.Version));
        Assert.Equal(
            [
                ((DealStage?)null, DealStage.New, "Jacob Hallén", DealRig.Start, (string?)null),
                (DealStage.New, DealStage.Proposal, "Jacob Hallén", DealRig.Start.AddDays(1), null),
                (DealStage.Proposal, DealStage.Lost, "Laura Creighton", DealRig.Start.AddDays(2), "They chose CPython and more hardware"),
            ],
            deal.StageChanges.OrderBy(c => c.Id).Select(c => (c.FromStage, c.ToStage, c.ByName, c.AtUtc, c.Reason)));
        var lines = await MoveLinesAsync();
        Assert.Equal(
            [
                ($"Consulting deal #{id} “JIT consulting” moved from New to Proposal", (string?)null, "Jacob Hallén", "Deal", (long?)id),
                ($"Consulting deal #{id} “JIT consulting” moved from Proposal to Lost", "They chose CPython and more hardware", "Laura Creighton", "Deal", id),
            ],
            lines.Select(t => (t.Summary, t.Details, t.ActorName!, t.SubjectType!, t.SubjectId)));
    }

    [Fact]
    public async Task A_member_of_the_other_consultancy_or_of_neither_cannot_move_the_deal()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        foreach (var outsider in new[] { _d.Holger, _d.Armin })
        {
            Assert.Equal("Only Open End members and admins move this deal.",
                Assert.IsType<NotAllowed>(await _d.MoveAsync(id, DealStage.Qualified, 0, outsider)).Message);
        }
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((DealStage.New, 0L, 1), (deal.Stage, deal.Version, deal.StageChanges.Count));
        Assert.Empty(await MoveLinesAsync());
    }

    [Fact]
    public async Task A_probability_set_by_hand_is_kept_between_open_stages_and_closing_sets_100_or_0()
    {
        var id = Assert.IsType<Done<OpenDeal.Opened>>(await _d.OpenAsync(DealRig.Opening(_yelp, probability: "35"), _d.Jacob)).Value.DealId;

        await _d.MoveAsync(id, DealStage.Negotiation, 0, _d.Jacob);
        Assert.Equal((35, true), ((await _d.ReadDealAsync(id)).Probability, (await _d.ReadDealAsync(id)).ProbabilityOverridden));
        await _d.MoveAsync(id, DealStage.Won, 1, _d.Jacob);
        Assert.Equal((100, false), ((await _d.ReadDealAsync(id)).Probability, (await _d.ReadDealAsync(id)).ProbabilityOverridden));
    }

    [Theory]
    [InlineData(DealStage.Lost, null, "LostReason", "Say why the deal was lost.")]
    [InlineData(DealStage.Lost, "budget\ncut", "LostReason", "Remove the control characters (line breaks, tabs...).")]
    [InlineData(DealStage.Won, null, "Stage", "A won deal needs its value: edit the deal and enter it first.")]
    [InlineData(DealStage.New, null, "Stage", "It is already in New.")]
    [InlineData(null, null, "Stage", "Choose a stage.")]
    [InlineData((DealStage)42, null, "Stage", "Choose a stage.")]
    public async Task A_move_the_deal_cannot_make_is_refused_beside_its_field_and_changes_nothing(DealStage? stage, string? reason, string field, string message)
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob, value: null);

        var invalid = Assert.IsType<Invalid>(await _d.MoveAsync(id, stage, 0, _d.Jacob, reason));

        Assert.Equal([new FieldError(field, message)], invalid.Errors);
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((DealStage.New, 0L, 1), (deal.Stage, deal.Version, deal.StageChanges.Count));
        Assert.Empty(await MoveLinesAsync());
    }

    [Fact]
    public async Task A_lost_reason_is_kept_only_while_the_deal_is_lost()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);

        Assert.IsType<Done<MoveDeal.Moved>>(await _d.MoveAsync(id, DealStage.Qualified, 0, _d.Jacob, "not lost at all"));

        var deal = await _d.ReadDealAsync(id);
        Assert.Null(deal.LostReason);
        Assert.Null(deal.StageChanges.OrderBy(c => c.Id).Last().Reason);
        Assert.Null(Assert.Single(await MoveLinesAsync()).Details);
    }

    [Fact]
    public async Task The_second_of_two_movers_is_told_who_moved_it_and_where_it_is_now_and_nothing_is_overwritten()
    {
        var id = await _d.DealAsync(_yelp, _d.Jacob);
        Assert.IsType<Done<MoveDeal.Moved>>(await _d.MoveAsync(id, DealStage.Proposal, 0, _d.Laura));

        var conflict = Assert.IsType<Conflict<MoveDeal.Current>>(await _d.MoveAsync(id, DealStage.Lost, 0, _d.Jacob, "no budget"));

        Assert.Equal((DealStage.Proposal, 1L), (conflict.Current.Stage, conflict.Current.Version));
        Assert.Equal("Laura Creighton (2 Mar 2011, 18:00 CET) changed this deal while you were looking: it is now in Proposal. Your move to Lost was not made; here is the deal as it is now.",
            conflict.Message);
        var deal = await _d.ReadDealAsync(id);
        Assert.Equal((DealStage.Proposal, 1L, 2), (deal.Stage, deal.Version, deal.StageChanges.Count));
    }

    [Fact]
    public async Task An_unknown_deal_is_not_found()
    {
        Assert.IsType<NotFound>(await _d.MoveAsync(9999, DealStage.Won, 0, _d.Laura));
    }
}
