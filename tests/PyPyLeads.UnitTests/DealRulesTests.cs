using PyPyLeads.Deals;

namespace PyPyLeads.UnitTests;

public sealed class DealRulesTests
{
    [Theory]
    [InlineData("12000", "12000")]
    [InlineData("12,000.50", "12000.50")]
    [InlineData(" 150 000.25 ", "150000.25")]
    [InlineData("0", "0")]
    [InlineData("1\u00A0000", "1000")]
    public void Amounts_are_read_as_people_type_them(string text, string expected)
    {
        Assert.True(Money.TryParseAmount(text, out var amount));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), amount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("1e6")]
    [InlineData("12.")]
    [InlineData(".5")]
    [InlineData("1.2.3")]
    [InlineData("12 EUR")]
    [InlineData("٣")] // Arabic-Indic digit
    [InlineData("99999999999999999999999999999999")]
    public void Anything_else_is_not_an_amount(string text) => Assert.False(Money.TryParseAmount(text, out _));

    [Fact]
    public void Minor_units_follow_the_currency_s_decimals()
    {
        Assert.Equal(1_200_050, Money.ToMinor(12000.50m, "EUR"));
        Assert.Null(Money.ToMinor(12.345m, "EUR"));
        Assert.Equal(1234, Money.ToMinor(1234m, "JPY"));
        Assert.Null(Money.ToMinor(0.5m, "JPY"));
        Assert.Equal(12000.5m, Money.FromMinor(1_200_050, "SEK"));
        Assert.Equal("12,000.50 EUR", Money.FormatMinor(1_200_050, "EUR"));
        Assert.Equal("0.01 EUR", Money.Format(0.005m, "EUR")); // half away from zero
    }

    [Fact]
    public void Weighted_value_is_exact()
    {
        var deal = new Deal { Currency = "EUR", OwnerUserId = "o", CreatedByUserId = "o", ValueMinor = 333, Probability = 33 };
        Assert.Equal(1.0989m, deal.WeightedValue); // 3.33 × 33 %
        deal.ValueMinor = null;
        Assert.Equal(0m, deal.WeightedValue);
    }

    [Fact]
    public void Moving_keeps_history_sets_closing_probabilities_and_keeps_a_hand_set_probability_between_open_stages()
    {
        var now = new DateTime(2011, 3, 3, 2, 0, 0, DateTimeKind.Utc);
        var deal = new Deal { Currency = "EUR", OwnerUserId = "o", CreatedByUserId = "o", Stage = DealStage.New, Probability = 40, ProbabilityOverridden = true };
        deal.MoveTo(DealStage.Proposal, null, now, "u1", "Jacob");
        Assert.Equal((DealStage.Proposal, 40, true), (deal.Stage, deal.Probability, deal.ProbabilityOverridden));
        deal.MoveTo(DealStage.Lost, "budget", now.AddDays(1), "u2", "Laura");
        Assert.Equal((0, false, "budget", now.AddDays(1)), (deal.Probability, deal.ProbabilityOverridden, deal.LostReason, deal.ClosedAtUtc!.Value));
        deal.MoveTo(DealStage.Qualified, "ignored", now.AddDays(2), "u1", "Jacob");
        Assert.Equal((25, (string?)null, (DateTime?)null), (deal.Probability, deal.LostReason, deal.ClosedAtUtc));
        deal.MoveTo(DealStage.Won, null, now.AddDays(3), "u1", "Jacob");
        Assert.Equal(100, deal.Probability);
        Assert.Equal(
            [(DealStage.New, DealStage.Proposal, (string?)null), (DealStage.Proposal, DealStage.Lost, "budget"), (DealStage.Lost, DealStage.Qualified, null), (DealStage.Qualified, DealStage.Won, null)],
            deal.StageChanges.Select(c => (c.FromStage!.Value, c.ToStage, c.Reason)));
        Assert.Equal(now.AddDays(3), deal.LastActivityAtUtc);
    }

    [Fact]
    public void Stage_defaults_rise_through_the_pipeline()
    {
        Assert.Equal([10, 25, 50, 75, 100, 0], DealStages.All.Select(s => s.DefaultProbability()));
        Assert.Equal(DealStages.All.Take(4), DealStages.Open);
    }

    [Fact]
    public void Reporting_settings_offer_their_currencies_and_refuse_unknown_ones()
    {
        var options = new ReportingOptions { Currency = "EUR", Rates = new(StringComparer.OrdinalIgnoreCase) { ["usd"] = 0.7143m, ["SEK"] = 0.1124m } };
        Assert.Equal(["EUR", "SEK", "USD"], options.Currencies);
        Assert.Equal(0.7143m, options.RateOf("USD"));
        Assert.Equal(1m, options.RateOf("EUR"));
        Assert.Null(options.RateOf("GBP"));
        Assert.Empty(options.Problems());
        options.Rates["XYZ"] = 1m;
        options.Rates["CHF"] = 0m;
        Assert.Equal(2, options.Problems().Count());
    }
}
