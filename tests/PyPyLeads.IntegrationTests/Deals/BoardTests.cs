using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

public sealed class BoardTests : IAsyncLifetime
{
    private readonly SqlCommandCounter _commands = new();
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync(app => app.With("Deals:BoardColumnLimit", "5")
        .WithServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(_commands))));

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private static string Column(AngleSharp.Html.Dom.IHtmlDocument page, string stage, string testId) =>
        page.QuerySelector($"[data-testid=column-{stage}] [data-testid={testId}]")!.TextContent.Trim();

    [Fact]
    public async Task One_column_per_open_stage_with_counts_weighted_values_in_the_reporting_currency_and_filters()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var mozilla = await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.New, 1_000_000);                                    // 10 % of 10,000 EUR
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 2_000_000, "USD", kind: DealKind.Hiring);  // 50 % of 20,000 USD = 7,143 EUR
        var mx = await _w.DealAsync(mozilla, Consultancy.MerlinuxId, "holger@merlinux.eu", DealStage.Proposal, 10_000_000, "SEK", kind: DealKind.Subcontracting); // 50 % of 100,000 SEK = 5,620 EUR
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Won, 5_000_000);
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Lost, 5_000_000);

        var board = await _w.OpenEnd.GetPageAsync("/deals");
        Assert.Equal(["New", "Qualified", "Proposal", "Negotiation"],
            board.QuerySelectorAll(".board-column").Select(c => c.GetAttribute("data-stage")!).ToList());
        Assert.Equal("1", Column(board, "New", "column-count"));
        Assert.Equal("0", Column(board, "Qualified", "column-count"));
        Assert.Equal("2", Column(board, "Proposal", "column-count"));
        Assert.Equal("1,000.00 EUR weighted", Column(board, "New", "column-weighted"));
        Assert.Equal("12,763.00 EUR weighted", Column(board, "Proposal", "column-weighted"));
        Assert.Equal(3, board.QuerySelectorAll("[data-testid=deal-card]").Length); // won and lost are off the board
        var card = board.QuerySelector($"[data-deal-id='{mx}']")!;
        Assert.Contains("Mozilla", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("100,000.00 SEK", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("Holger Krekel", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("closes 30 Jun 2011", card.TextContent, StringComparison.Ordinal);
        // Jacob can move Open End's cards, not merlinux's.
        Assert.Null(card.QuerySelector("form"));
        Assert.Equal("false", card.GetAttribute("draggable"));
        Assert.Equal(2, board.QuerySelectorAll("[data-testid=deal-card] form.deal-move").Length);

        var merlinuxOnly = await _w.OpenEnd.GetPageAsync("/deals?consultancy=2");
        Assert.Equal("5,620.00 EUR weighted", Column(merlinuxOnly, "Proposal", "column-weighted"));
        Assert.Equal("0", Column(merlinuxOnly, "New", "column-count"));
        var hiring = await _w.OpenEnd.GetPageAsync("/deals?kind=Hiring");
        Assert.Equal("7,143.00 EUR weighted", Column(hiring, "Proposal", "column-weighted"));
        var holgers = await _w.OpenEnd.GetPageAsync("/deals?owner=" + await _w.UserIdAsync("holger@merlinux.eu"));
        Assert.Equal(1, holgers.QuerySelectorAll("[data-testid=deal-card]").Length);
        var garbage = await _w.OpenEnd.GetAsync("/deals?consultancy=x&kind=%3Cscript%3E&owner=%27%20OR%201%3D1");
        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        Assert.Empty((await garbage.ReadPageAsync()).QuerySelectorAll("[data-testid=deal-card]"));

        // A card's move form returns to the board with its filters.
        Assert.Equal("/deals?consultancy=1", (await _w.OpenEnd.GetPageAsync("/deals?consultancy=1")).QuerySelector("form.deal-move input[name=ReturnUrl]")!.GetAttribute("value"));

        // The column sums are kept per filter until a deal changes: a move shows at once on every board seen before.
        People.Expect(await DealsWorld.PostAsync(_w.Admin, $"/deals/{mx}/move", new Dictionary<string, string> { ["Stage"] = "Negotiation", ["Version"] = "0" }), HttpStatusCode.Redirect);
        Assert.Equal("1", Column(await _w.OpenEnd.GetPageAsync("/deals"), "Proposal", "column-count"));
        Assert.Equal("1", Column(await _w.OpenEnd.GetPageAsync("/deals?consultancy=2"), "Negotiation", "column-count"));
        Assert.Equal("8,430.00 EUR weighted", Column(await _w.OpenEnd.GetPageAsync("/deals?consultancy=2"), "Negotiation", "column-weighted")); // 75 % now
    }

    [Fact]
    public async Task Columns_show_a_bounded_number_of_cards_with_the_full_count_and_the_rest_page_by_page()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        for (var i = 0; i < 62; i++)
        {
            await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Qualified, 100, closesOn: new DateOnly(2011, 4, 1).AddDays(i));
        }
        var board = await _w.Admin.GetPageAsync("/deals");
        Assert.Equal("62", Column(board, "Qualified", "column-count"));
        Assert.Equal(5, board.QuerySelectorAll("[data-testid=column-Qualified] [data-testid=deal-card]").Length);
        Assert.Equal("15.50 EUR weighted", Column(board, "Qualified", "column-weighted")); // 62 × 1.00 × 25 %
        var more = board.QuerySelector("[data-testid=column-Qualified] [data-testid=column-more]")!;
        Assert.Equal("Showing 5 of 62 · see all", more.TextContent.Trim());
        var first = await _w.Admin.GetPageAsync(more.GetAttribute("href")!);
        Assert.Equal("62", DealsWorld.Text(first, "list-count"));
        Assert.Equal(50, first.QuerySelectorAll("[data-testid=deal-row]").Length);
        var second = await _w.Admin.GetPageAsync(first.QuerySelector("a:contains('Next')")?.GetAttribute("href") ?? "/deals/list?stage=Qualified&page=2");
        Assert.Equal(12, second.QuerySelectorAll("[data-testid=deal-row]").Length);
        Assert.Contains("1 Jun 2011", second.QuerySelectorAll("[data-testid=deal-row]").Last().TextContent, StringComparison.Ordinal); // soonest first
    }

    [Fact]
    public async Task Each_column_shows_its_soonest_closing_deals_in_order_whatever_order_they_were_entered_in()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        // Entered latest-closing first, so that the ids run against the dates; two share the soonest date (the lower id first).
        var entered = new List<(DateOnly Closes, int Id)>();
        for (var i = 8; i >= 0; i--)
        {
            var closes = new DateOnly(2011, 5, 1).AddDays(Math.Max(i, 1));
            entered.Add((closes, await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 100, closesOn: closes)));
        }
        // A column beside it, so that the cards of several stages come back together.
        var qualified = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Qualified, 100, closesOn: new DateOnly(2011, 4, 1));

        var board = await _w.Admin.GetPageAsync("/deals");
        var shown = board.QuerySelectorAll("[data-testid=column-Proposal] [data-testid=deal-card]").Select(c => int.Parse(c.GetAttribute("data-deal-id")!)).ToList();
        Assert.Equal(entered.OrderBy(d => d.Closes).ThenBy(d => d.Id).Take(5).Select(d => d.Id).ToList(), shown);
        Assert.Equal([qualified], board.QuerySelectorAll("[data-testid=column-Qualified] [data-testid=deal-card]").Select(c => int.Parse(c.GetAttribute("data-deal-id")!)));
    }

    [Fact]
    public async Task The_board_runs_the_same_number_of_queries_for_3_deals_as_for_200()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var counter = _commands;
        foreach (var stage in DealStages.Open)
        {
            await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", stage, 100);
        }
        await _w.Admin.GetPageAsync("/deals"); // warm up
        // Both loads measured below follow a change, so neither finds the column sums kept from before.
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.New, 100);
        counter.Reset();
        await _w.Admin.GetPageAsync("/deals");
        var few = counter.Count;

        for (var i = 0; i < 200; i++)
        {
            await _w.DealAsync(yelp, Consultancy.OpenEndId, i % 2 == 0 ? "jacob@openend.se" : People.AdminEmail, DealStages.Open[i % 4], 100 + i);
        }
        counter.Reset();
        var page = await _w.Admin.GetPageAsync("/deals");
        Assert.Equal(20, page.QuerySelectorAll("[data-testid=deal-card]").Length);
        Assert.True(few > 0);
        Assert.Equal(few, counter.Count);
    }
}
