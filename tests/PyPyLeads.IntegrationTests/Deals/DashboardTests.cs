using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PyPyLeads.Deals;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

public sealed class DashboardTests : IAsyncLifetime
{
    private DealsWorld _w = null!;

    public async Task InitializeAsync() => _w = await DealsWorld.StartAsync();

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private async Task<DashboardFigures> FiguresAsync()
    {
        using var scope = _w.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PipelineFigures>().ComputeAsync();
    }

    private static string Cell(AngleSharp.Html.Dom.IHtmlDocument page, string row, string cell) =>
        page.QuerySelector($"[data-testid=totals-{row}] [data-testid={cell}]")!.TextContent.Trim();

    [Fact]
    public async Task Totals_per_consultancy_and_together_equal_the_model_to_the_last_digit()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var mozilla = await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        var random = new Random(2011);
        string[] currencies = ["EUR", "USD", "SEK"];
        await _w.DbAsync(async db =>
        {
            var owners = await db.Users.ToDictionaryAsync(u => u.Email!, u => u.Id);
            for (var i = 0; i < 400; i++)
            {
                var consultancy = i % 3 == 0 ? Consultancy.MerlinuxId : Consultancy.OpenEndId;
                var stage = DealStages.All[random.Next(DealStages.All.Count)];
                var overridden = random.Next(4) == 0;
                db.Deals.Add(new Deal
                {
                    CompanyId = consultancy == Consultancy.OpenEndId ? yelp : mozilla, ConsultancyId = consultancy, Kind = (DealKind)random.Next(3),
                    Stage = stage, Currency = currencies[random.Next(3)],
                    // Odd cents and large values: a floating-point sum would drift.
                    ValueMinor = random.Next(10) == 0 ? null : random.NextInt64(1, 100_000_000_000),
                    Probability = overridden && stage.IsOpen() ? random.Next(101) : stage.DefaultProbability(), ProbabilityOverridden = overridden && stage.IsOpen(),
                    ExpectedCloseOn = new DateOnly(2011, 3, 2).AddDays(random.Next(400)),
                    OwnerUserId = owners[consultancy == Consultancy.OpenEndId ? "jacob@openend.se" : "holger@merlinux.eu"], CreatedByUserId = owners[People.AdminEmail],
                    CreatedAtUtc = DealsWorld.Start.UtcDateTime, StageChangedAtUtc = DealsWorld.Start.UtcDateTime, LastActivityAtUtc = DealsWorld.Start.UtcDateTime,
                });
            }
            return await db.SaveChangesAsync();
        });

        // The model: every deal on its own, in decimal, converted at the configured rates.
        var rates = _w.App.Services.GetRequiredService<IOptions<ReportingOptions>>().Value;
        var deals = await _w.DbAsync(db => db.Deals.AsNoTracking().ToListAsync());
        decimal Eur(decimal amount, string currency) => amount * rates.RateOf(currency)!.Value;
        PipelineTotals Model(string name, IEnumerable<Deal> mine)
        {
            var list = mine.ToList();
            var open = list.Where(d => d.Stage.IsOpen()).ToList();
            var won = list.Where(d => d.Stage == DealStage.Won).ToList();
            var lost = list.Where(d => d.Stage == DealStage.Lost).ToList();
            return new PipelineTotals(name, open.Count, open.Sum(d => Eur(d.Value ?? 0, d.Currency)), open.Sum(d => Eur(d.WeightedValue, d.Currency)),
                won.Count, won.Sum(d => Eur(d.Value ?? 0, d.Currency)), lost.Count, lost.Sum(d => Eur(d.Value ?? 0, d.Currency)));
        }
        var openEnd = Model("Open End", deals.Where(d => d.ConsultancyId == Consultancy.OpenEndId));
        var merlinux = Model("merlinux", deals.Where(d => d.ConsultancyId == Consultancy.MerlinuxId));
        var together = Model("Together", deals);

        var figures = await FiguresAsync();
        Assert.Equal(openEnd, figures.ByConsultancy[0]);
        Assert.Equal(merlinux, figures.ByConsultancy[1]);
        Assert.Equal(together, figures.Together);
        Assert.NotEqual((double)together.Weighted, deals.Where(d => d.Stage.IsOpen()).Sum(d => (double)(d.ValueMinor ?? 0) / 100 * d.Probability / 100 * (double)rates.RateOf(d.Currency)!.Value));
        var byMonth = figures.Chart.Sum(m => m.Total);
        Assert.Equal(together.Weighted, byMonth);
        Assert.Equal(together.Weighted, figures.WeightedByEnd + figures.WeightedAfterEnd);

        var home = await _w.Merlinux.GetPageAsync("/");
        Assert.Equal(Money.Format(together.Open, "EUR"), Cell(home, "together", "open"));
        Assert.Equal(Money.Format(together.Weighted, "EUR"), Cell(home, "together", "weighted"));
        Assert.Equal(Money.Format(together.Won, "EUR"), Cell(home, "together", "won"));
        Assert.Equal(Money.Format(together.Lost, "EUR"), Cell(home, "together", "lost"));
        Assert.Equal(Money.Format(openEnd.Weighted, "EUR"), Cell(home, "openend", "weighted"));
        Assert.Equal(Money.Format(merlinux.Won, "EUR"), Cell(home, "merlinux", "won"));
        Assert.Equal("212", home.QuerySelector("[data-testid=days-left]")!.TextContent.Trim()); // the home card still works
    }

    [Fact]
    public async Task Deals_expected_to_close_after_the_Eurostars_end_are_flagged_and_counted_apart()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var onTime = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Negotiation, 4_000_000, closesOn: new DateOnly(2011, 9, 30));
        var late = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 1_000_000, closesOn: new DateOnly(2011, 10, 1));
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Won, 1_000_000, closesOn: new DateOnly(2011, 12, 1)); // closed: not flagged

        var home = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal("1", DealsWorld.Text(home, "after-end-count"));
        Assert.Equal("5,000.00 EUR", DealsWorld.Text(home, "weighted-after-end"));
        Assert.Equal("30,000.00 EUR", DealsWorld.Text(home, "weighted-by-end"));
        var flagged = home.QuerySelectorAll("[data-testid=after-end-deals] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([$"/deals/{late}"], flagged);

        Assert.NotNull((await _w.OpenEnd.GetPageAsync($"/deals/{late}")).QuerySelector("[data-testid=after-end]"));
        Assert.Null((await _w.OpenEnd.GetPageAsync($"/deals/{onTime}")).QuerySelector("[data-testid=after-end]"));
        var board = await _w.OpenEnd.GetPageAsync("/deals");
        Assert.Contains("after Eurostars", board.QuerySelector($"[data-deal-id='{late}']")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("after Eurostars", board.QuerySelector($"[data-deal-id='{onTime}']")!.TextContent, StringComparison.Ordinal);
        var list = await _w.OpenEnd.GetPageAsync("/deals/list?closing=after-end");
        Assert.Equal("1", DealsWorld.Text(list, "list-count"));
    }

    [Fact]
    public async Task Stale_deals_are_those_without_activity_for_the_set_number_of_days_by_the_app_clock()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var google = await _w.CompanyAsync("Google", Consultancy.OpenEndId);
        var quiet = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se");
        var busy = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se");
        var other = await _w.DealAsync(google, Consultancy.OpenEndId, "jacob@openend.se");
        await _w.DealAsync(google, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Lost); // closed deals are never stale

        _w.Clock.Advance(TimeSpan.FromDays(13));
        Assert.Equal("0", DealsWorld.Text(await _w.OpenEnd.GetPageAsync("/"), "stale-count"));

        _w.Clock.Advance(TimeSpan.FromDays(2)); // 15 days: all three open deals are stale (the setting is 14)
        Assert.Equal(3, (await FiguresAsync()).StaleCount);

        // Moving one deal refreshes it, but not its company's other deal.
        People.Expect(await DealsWorld.PostAsync(_w.OpenEnd, $"/deals/{busy}/move", new Dictionary<string, string> { ["Stage"] = "Qualified", ["Version"] = "0" }), HttpStatusCode.Redirect);
        // Something logged on Google's timeline (a contact) counts as activity for Google's deal.
        await _w.DbAsync(async db =>
        {
            db.Timeline.Add(new TimelineEntry { CompanyId = google, AtUtc = _w.Clock.GetUtcNow().UtcDateTime, Kind = "encounter", Summary = "Met at PyCon" });
            return await db.SaveChangesAsync();
        });
        var home = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal("1", DealsWorld.Text(home, "stale-count"));
        Assert.Equal([$"/deals/{quiet}"], home.QuerySelectorAll("[data-testid=stale-deals] a").Select(a => a.GetAttribute("href")).ToList());
        var list = await _w.OpenEnd.GetPageAsync("/deals/list?stale=true");
        Assert.Equal("1", DealsWorld.Text(list, "list-count"));
        Assert.DoesNotContain(list.QuerySelectorAll("[data-testid=deal-row] a"), a => a.GetAttribute("href") == $"/deals/{other}");
    }

    [Fact]
    public async Task The_chart_shows_weighted_pipeline_per_close_month_against_the_Eurostars_end_with_the_same_numbers_in_a_table()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var mozilla = await _w.CompanyAsync("Mozilla", Consultancy.MerlinuxId);
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 1_000_000, closesOn: new DateOnly(2011, 4, 15));     // 5,000 in Apr
        await _w.DealAsync(mozilla, Consultancy.MerlinuxId, "holger@merlinux.eu", DealStage.New, 1_000_000, closesOn: new DateOnly(2011, 4, 20));   // 1,000 in Apr
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Negotiation, 2_000_000, closesOn: new DateOnly(2011, 10, 3)); // 15,000 in Oct
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.New, 1_000_000, closesOn: new DateOnly(2012, 6, 1));          // 1,000 later
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.New, 1_000_000, closesOn: new DateOnly(2011, 2, 1));          // 1,000 overdue

        var home = await _w.Admin.GetPageAsync("/");
        var rows = home.QuerySelectorAll("[data-testid=chart-row]").ToList();
        var labels = rows.Select(r => r.QuerySelector("th")!.TextContent.Trim().Split(' ')[0]).ToList();
        Assert.Equal(["Overdue", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Later"], labels);
        string Total(string label) => rows[labels.IndexOf(label)].QuerySelector("[data-testid=chart-row-total]")!.TextContent.Trim();
        Assert.Equal("6,000.00", Total("Apr"));
        Assert.Equal("15,000.00", Total("Oct"));
        Assert.Equal("1,000.00", Total("Later"));
        Assert.Equal("1,000.00", Total("Overdue"));
        Assert.Contains("after Eurostars", rows[labels.IndexOf("Oct")].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("after Eurostars", rows[labels.IndexOf("Sep")].TextContent, StringComparison.Ordinal);
        Assert.Contains("Eurostars ends", rows[labels.IndexOf("Sep")].TextContent, StringComparison.Ordinal);

        var svg = home.QuerySelector("svg[data-testid=chart]")!;
        Assert.Equal(5, svg.QuerySelectorAll("rect").Length); // overdue, Apr (two consultancies stacked), Oct, later
        Assert.NotNull(svg.QuerySelector("[data-testid=chart-end-line] line"));
        Assert.Contains(svg.QuerySelectorAll("rect title"), t => t.TextContent == "Apr, merlinux: 1,000.00 EUR weighted");
        // Drawn with classes only: the content security policy forbids inline styles.
        Assert.Empty(home.QuerySelectorAll("[style]"));
        Assert.Empty(home.QuerySelectorAll("style"));
        Assert.All(home.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source)));
    }

    [Fact]
    public async Task Deals_in_a_currency_without_a_rate_are_named_and_left_out_of_the_totals()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 1_000_000, "GBP");
        await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 1_000_000, "EUR");
        var home = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal("1 deal(s) in GBP are not counted: the settings have no rate for GBP.", DealsWorld.Text(home, "unconverted"));
        Assert.Equal("10,000.00 EUR", Cell(home, "together", "open"));
        var board = await _w.OpenEnd.GetPageAsync("/deals");
        Assert.Contains("1 in a currency without a rate", board.QuerySelector("[data-testid=column-Proposal]")!.TextContent, StringComparison.Ordinal);
        // Its page and edit form still work, in its own currency.
        var id = await _w.DbAsync(db => db.Deals.Where(d => d.Currency == "GBP").Select(d => d.Id).SingleAsync());
        Assert.Equal("10,000.00 GBP", DealsWorld.Text(await _w.OpenEnd.GetPageAsync($"/deals/{id}"), "deal-value"));
        Assert.NotNull((await _w.OpenEnd.GetPageAsync($"/deals/{id}/edit")).QuerySelector("select[name=Currency] option[value=GBP][selected]"));
    }

    [Fact]
    public async Task The_figures_are_computed_again_when_any_instance_changes_a_deal_and_when_the_minute_turns()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var deal = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 1_000_000);
        Assert.Equal("10,000.00 EUR", Cell(await _w.OpenEnd.GetPageAsync("/"), "together", "open"));

        // A second app instance on the same database (as behind a load balancer) moves the deal to Won: the first
        // instance's home page shows it at once, though it had the figures from a moment ago.
        await using var second = new LeadsApp { Clock = _w.Clock }.With("Data:Directory", _w.App.DataDirectory).With("Hangfire:RunServer", "false");
        var jacob = second.Client();
        People.Expect(await People.SignInAsync(jacob, "jacob@openend.se", "a long enough password"), HttpStatusCode.Redirect, "/");
        People.Expect(await DealsWorld.PostAsync(jacob, $"/deals/{deal}/move", new Dictionary<string, string> { ["Stage"] = "Won", ["Version"] = "0" }), HttpStatusCode.Redirect);
        var home = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal("0.00 EUR", Cell(home, "together", "open"));
        Assert.Equal("10,000.00 EUR", Cell(home, "together", "won"));

        // A change made behind the app's back (no SaveChanges, no stamp) shows when the clock turns the minute. The first
        // home page after the turn is answered at once with the last minute's figures, which proves it did not wait for
        // the new ones; the refresh it started in the background shows on a page moments later.
        await _w.DbAsync(db => db.Deals.Where(d => d.Id == deal).ExecuteUpdateAsync(s => s.SetProperty(d => d.ValueMinor, 2_000_000)));
        _w.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("10,000.00 EUR", Cell(await _w.OpenEnd.GetPageAsync("/"), "together", "won"));
        Assert.Equal("20,000.00 EUR", await Eventually.EqualAsync("20,000.00 EUR", async () => Cell(await _w.OpenEnd.GetPageAsync("/"), "together", "won")));

        // Longer than the figures may be served late (or another day): the page waits for this minute's figures.
        await _w.DbAsync(db => db.Deals.Where(d => d.Id == deal).ExecuteUpdateAsync(s => s.SetProperty(d => d.ValueMinor, 3_000_000)));
        _w.Clock.Advance(PipelineFigures.ServedWhileRefreshing + TimeSpan.FromMinutes(1));
        Assert.Equal("30,000.00 EUR", Cell(await _w.OpenEnd.GetPageAsync("/"), "together", "won"));
    }

    [Fact]
    public async Task A_deal_saved_right_after_the_minute_turned_shows_at_once_not_the_figures_served_meanwhile()
    {
        var yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
        var deal = await _w.DealAsync(yelp, Consultancy.OpenEndId, "jacob@openend.se", DealStage.Proposal, 1_000_000);
        Assert.Equal("10,000.00 EUR", Cell(await _w.OpenEnd.GetPageAsync("/"), "together", "open"));

        _w.Clock.Advance(TimeSpan.FromMinutes(1));
        // The token from the deal's own page: DealsWorld.PostAsync would load the home page first, after the turn.
        var token = (await _w.OpenEnd.GetPageAsync($"/deals/{deal}")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        People.Expect(await _w.OpenEnd.PostAsync($"/deals/{deal}/move", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Stage"] = "Won", ["Version"] = "0", ["__RequestVerificationToken"] = token,
        })), HttpStatusCode.Redirect);
        var home = await _w.OpenEnd.GetPageAsync("/");
        Assert.Equal("0.00 EUR", Cell(home, "together", "open"));
        Assert.Equal("10,000.00 EUR", Cell(home, "together", "won"));
    }
}
