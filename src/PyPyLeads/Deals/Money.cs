using System.Globalization;

namespace PyPyLeads.Deals;

/// <summary>ISO 4217 currencies the app knows, with their minor-unit decimals, and exact conversions.</summary>
public static class Money
{
    private static readonly Dictionary<string, int> KnownDecimals = new(StringComparer.Ordinal)
    {
        ["EUR"] = 2, ["USD"] = 2, ["SEK"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["NOK"] = 2, ["DKK"] = 2, ["CAD"] = 2, ["JPY"] = 0,
    };

    public static bool IsKnown(string? currency) => currency is not null && KnownDecimals.ContainsKey(currency);

    public static int Decimals(string currency) =>
        KnownDecimals.TryGetValue(currency, out var decimals) ? decimals : throw new ArgumentException($"Unknown currency {currency}", nameof(currency));

    private static decimal Scale(string currency) => Decimals(currency) switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, var d => (decimal)Math.Pow(10, d) };

    public static decimal FromMinor(long minor, string currency) => minor / Scale(currency);

    /// <summary>Minor units of an amount that has no more decimals than the currency allows; null otherwise.</summary>
    public static long? ToMinor(decimal amount, string currency)
    {
        var minor = amount * Scale(currency);
        return minor == decimal.Truncate(minor) ? (long)minor : null;
    }

    /// <summary>"12,000.50 EUR": the amount rounded half away from zero to the currency's decimals.</summary>
    public static string Format(decimal amount, string currency) => FormatAmount(amount, currency) + " " + currency;

    /// <summary>"12,000.50": the amount alone, where the currency is named nearby.</summary>
    public static string FormatAmount(decimal amount, string currency)
    {
        var decimals = Decimals(currency);
        return Math.Round(amount, decimals, MidpointRounding.AwayFromZero).ToString("N" + decimals, CultureInfo.InvariantCulture);
    }

    public static string FormatMinor(long minor, string currency) => Format(FromMinor(minor, currency), currency);

    /// <summary>
    /// Reads what people type: "12000", "12 000", "12,000.50". A comma is a thousands separator, the point is the
    /// decimal point; anything else (letters, signs, exponents) is refused.
    /// </summary>
    public static bool TryParseAmount(string? text, out decimal amount)
    {
        amount = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var compact = text.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal)
            .Replace("\u202F", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (compact.Length is 0 or > 30 || compact.Any(c => c is not (>= '0' and <= '9') and not '.') || compact.Count(c => c == '.') > 1
            || compact[0] == '.' || compact[^1] == '.')
        {
            return false;
        }
        return decimal.TryParse(compact, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
    }
}
