namespace PyPyLeads.Deals;

/// <summary>
/// The <c>Reporting</c> settings: the currency totals are shown in, and what one unit of each other currency is
/// worth in it (<c>"Rates": { "USD": 0.7143 }</c> means 1 USD = 0.7143 EUR). Deals can be in the reporting
/// currency or any currency with a rate.
/// </summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    public string Currency { get; set; } = "EUR";

    public Dictionary<string, decimal> Rates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The currencies a deal may be entered in: the reporting one first, then those with a rate.</summary>
    public IReadOnlyList<string> Currencies =>
        [Currency.ToUpperInvariant(), .. Rates.Keys.Select(k => k.ToUpperInvariant()).Where(k => k != Currency.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The rate from a currency to the reporting currency; null when there is none.</summary>
    public decimal? RateOf(string currency)
    {
        if (string.Equals(currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return 1m;
        }
        foreach (var (code, rate) in Rates)
        {
            if (string.Equals(code, currency, StringComparison.OrdinalIgnoreCase))
            {
                return rate;
            }
        }
        return null;
    }

    /// <summary>Problems that stop the app from starting: a currency it does not know, a rate that is not positive.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Money.IsKnown(Currency))
        {
            yield return $"Reporting:Currency '{Currency}' is not a currency the app knows.";
        }
        foreach (var (code, rate) in Rates)
        {
            if (!Money.IsKnown(code.ToUpperInvariant()))
            {
                yield return $"Reporting:Rates has '{code}', which is not a currency the app knows.";
            }
            if (rate <= 0)
            {
                yield return $"Reporting:Rates:{code} must be a positive number.";
            }
        }
    }
}

/// <summary>The <c>Deals</c> settings.</summary>
public sealed class DealOptions
{
    public const string Section = "Deals";

    /// <summary>An open deal with no activity (on it or on its company's timeline) for this many days is stale.</summary>
    public int StaleAfterDays { get; set; } = 14;

    /// <summary>Cards shown per board column; the rest are counted and listed page by page.</summary>
    public int BoardColumnLimit { get; set; } = 30;
}
