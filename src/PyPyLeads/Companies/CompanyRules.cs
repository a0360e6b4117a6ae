using System.Globalization;
using FluentValidation;

namespace PyPyLeads.Companies;

/// <summary>Field rules shared by the forms and the CSV import, so a value refused in one is refused in the other.</summary>
public static class CompanyRules
{
    public const int Name = 200, WebDomain = 253, City = 100, Country = 100, Industry = 100, Notes = 4000;
    public const int PersonName = 200, Role = 100, Email = 254, Phone = 50, EncounterNote = 4000;

    /// <summary>No control characters (a single-line field); right-to-left marks and other format characters are kept as typed.</summary>
    public static bool IsSingleLine(string? text) => text is null || !text.Any(char.IsControl);

    /// <summary>Multi-line text: line breaks and tabs are fine, other control characters are not.</summary>
    public static bool IsText(string? text) => text is null || !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    /// <summary>A host name with at least one dot once the scheme, "www." and path are dropped: "yelp.com", "https://www.yelp.com/about".</summary>
    public static bool IsWebDomain(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var host = CompanyKeys.Domain(text);
        if (host is null || !host.Contains('.', StringComparison.Ordinal) || host.Length > WebDomain)
        {
            return false;
        }
        // Internationalised names are fine; Uri checks the labels' shape.
        return Uri.CheckHostName(host) == UriHostNameType.Dns && host.Split('.').All(label => label.Length is > 0 and <= 63);
    }

    public static bool IsPhone(string? text) =>
        string.IsNullOrWhiteSpace(text) ||
        (text.Any(char.IsAsciiDigit) && text.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.' or '/' || char.IsAsciiLetter(c)));

    public static bool IsEmail(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var trimmed = text.Trim();
        var at = trimmed.LastIndexOf('@');
        return at > 0 && at < trimmed.Length - 1 && !trimmed.Any(char.IsWhiteSpace) && IsSingleLine(trimmed)
               && trimmed[(at + 1)..].Contains('.', StringComparison.Ordinal) && trimmed.IndexOf('@', StringComparison.Ordinal) == at;
    }

    public static IRuleBuilderOptions<T, string?> SingleLine<T>(this IRuleBuilder<T, string?> rule, string label, int maxLength) =>
        rule.MaximumLength(maxLength).WithMessage(string.Create(CultureInfo.InvariantCulture, $"{label}: at most {maxLength} characters (this has {{TotalLength}})."))
            .Must(IsSingleLine).WithMessage($"{label}: remove the control characters (line breaks, tabs...).");

    public static IRuleBuilderOptions<T, string?> MultiLine<T>(this IRuleBuilder<T, string?> rule, string label, int maxLength) =>
        rule.MaximumLength(maxLength).WithMessage(string.Create(CultureInfo.InvariantCulture, $"{label}: at most {maxLength} characters (this has {{TotalLength}})."))
            .Must(IsText).WithMessage($"{label}: remove the control characters.");

    public static IRuleBuilderOptions<T, string?> WebDomainShape<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SingleLine("Web domain", WebDomain).Must(IsWebDomain).WithMessage("Enter a web domain such as yelp.com (a web address works too).");

    public static IRuleBuilderOptions<T, string?> EmailShape<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SingleLine("E-mail", Email).Must(IsEmail).WithMessage("This is not an e-mail address.");

    public static IRuleBuilderOptions<T, string?> PhoneShape<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SingleLine("Phone", Phone).Must(IsPhone).WithMessage("Enter a phone number: digits, spaces and + - ( ) . /");

    /// <summary>Trims, and turns an empty text into null, as every field is stored.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
