using System.Globalization;
using System.Text;

namespace PyPyLeads.Companies;

/// <summary>
/// The keys under which two spellings of one company meet: "Yelp", "yelp, inc." and "YELP Inc" share a name key;
/// "https://www.yelp.com/about" and "yelp.com" share a domain key.
/// </summary>
public static class CompanyKeys
{
    // Legal forms dropped from the end of a name (compared after folding, so "Inc." and "inc" match).
    private static readonly string[] LegalSuffixes =
    [
        "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "ab", "corp", "corporation", "co", "company",
        "plc", "sa", "sarl", "bv", "nv", "oy", "as", "aps", "kg", "srl", "spa", "pty", "lp", "llp",
    ];

    /// <summary>Lower case, accents removed, punctuation and spaces folded to single spaces, legal suffixes dropped.</summary>
    public static string Name(string name)
    {
        var words = JoinInitials(Fold(name).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // Drop trailing legal forms ("Acme Holding GmbH & Co KG" keeps "acme holding"), but never the whole name.
        while (words.Count > 1 && LegalSuffixes.Contains(words[^1]))
        {
            words.RemoveAt(words.Count - 1);
        }
        return string.Join(' ', words);
    }

    /// <summary>The bare host: no scheme, user, port, "www." or path; lower case; null when nothing host-like is left.</summary>
    public static string? Domain(string? webDomain)
    {
        if (string.IsNullOrWhiteSpace(webDomain))
        {
            return null;
        }
        var text = webDomain.Trim().ToLowerInvariant();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }
        var end = text.IndexOfAny(['/', '?', '#']);
        if (end >= 0)
        {
            text = text[..end];
        }
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            text = text[(at + 1)..];
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            text = text[..colon];
        }
        text = text.TrimEnd('.');
        if (text.StartsWith("www.", StringComparison.Ordinal))
        {
            text = text[4..];
        }
        return text.Length == 0 ? null : text;
    }

    /// <summary>The folded words of a text (lower case, accents and punctuation gone): what search matches word by word.</summary>
    public static IReadOnlyList<string> Words(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A person's name folded for matching within a company ("Maciej Fijałkowski" and "maciej fijalkowski" meet).</summary>
    public static string PersonName(string name) => string.Join(' ', Words(name));

    /// <summary>Lower-cased, trimmed e-mail address for matching a person within a company.</summary>
    public static string? Email(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    /// <summary>"s a" (from "S.A.") becomes "sa", so dotted abbreviations match their plain spelling.</summary>
    private static List<string> JoinInitials(string[] words)
    {
        var joined = new List<string>(words.Length);
        var lastIsInitials = false;
        foreach (var word in words)
        {
            var isInitial = word.Length == 1 && char.IsLetter(word[0]);
            if (isInitial && lastIsInitials)
            {
                joined[^1] += word;
            }
            else
            {
                joined.Add(word);
            }
            lastIsInitials = isInitial;
        }
        return joined;
    }

    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.EnclosingMark:
                case UnicodeCategory.Format: // right-to-left marks and other invisible characters
                    break;
                default:
                    builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
                    break;
            }
        }
        // Letters that do not decompose into base + accent.
        return builder.Replace('ł', 'l').Replace('ø', 'o').Replace('đ', 'd').Replace('ß', 's').Replace('æ', 'a').ToString();
    }
}
