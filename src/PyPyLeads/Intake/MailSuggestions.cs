using System.Globalization;
using System.Text.RegularExpressions;
using PyPyLeads.Schedule;

namespace PyPyLeads.Intake;

/// <summary>What a triage form starts with, read from a message: the sender, their domain, their signature, the talk topics its text names.</summary>
public sealed record MailSuggestions(string? CompanyName, string? WebDomain, string? PersonName, string? PersonEmail, string? PersonRole, IReadOnlyList<Topics> Topics)
{
    // Free mail providers say nothing about the company.
    private static readonly HashSet<string> FreeMail = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "mail.com",
    };

    // The talk highlights of the seed, as a message would name them.
    private static readonly (Topics Topic, Regex Pattern)[] TopicWords =
    [
        (Schedule.Topics.JitSpeed, Words(@"\bJIT\b|just-in-time|\bspeed\b|faster|benchmark")),
        (Schedule.Topics.ToolchainTwiceAsFast, Words(@"tool ?chain|translation toolchain")),
        (Schedule.Topics.X86AndArm, Words(@"\bARM\b|x86|64[- ]bit")),
        (Schedule.Topics.CPythonCompatibility, Words(@"compatib")),
        (Schedule.Topics.JitCtypes, Words(@"\bctypes\b")),
        (Schedule.Topics.Stackless, Words(@"stackless|greenlet")),
        (Schedule.Topics.Cpyext, Words(@"cpyext|C extension")),
        (Schedule.Topics.CppCalls, Words(@"C\+\+")),
    ];

    private static Regex Words(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static MailSuggestions For(IntakeMessage message)
    {
        var domain = message.SenderAddress is { } address ? TeamAddresses.DomainOf(address) : null;
        if (domain is not null && FreeMail.Contains(domain))
        {
            domain = null;
        }
        var signature = (message.Signature ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains('@') && !l.Contains("http", StringComparison.OrdinalIgnoreCase) && !Regex.IsMatch(l, @"^[+\d\s().-]{6,}$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            .ToList();
        var name = string.IsNullOrWhiteSpace(message.SenderName) ? signature.FirstOrDefault() : message.SenderName;
        // A signature reads name, role, company: the lines after the name.
        var rest = signature.SkipWhile(l => name is not null && !string.Equals(l, name, StringComparison.OrdinalIgnoreCase)).Skip(1).ToList();
        if (rest.Count == 0 && signature.Count > 1 && !string.Equals(signature[0], name, StringComparison.OrdinalIgnoreCase))
        {
            rest = signature;
        }
        var role = rest.ElementAtOrDefault(0);
        var company = rest.ElementAtOrDefault(1) ?? (domain is null ? null : FromDomain(domain));
        var text = message.Subject + "\n" + message.Text;
        var topics = TopicWords.Where(t => t.Pattern.IsMatch(text)).Select(t => t.Topic).ToList();
        return new MailSuggestions(Cut(company, 200), domain, Cut(name, 200), message.SenderAddress, Cut(role, 200), topics);
    }

    /// <summary>"yelp.com" → "Yelp", "mail.example.co.uk" → "Example".</summary>
    public static string FromDomain(string domain)
    {
        var parts = domain.Split('.');
        var label = parts.Length >= 3 && parts[^2].Length <= 3 ? parts[^3] : parts.Length >= 2 ? parts[^2] : parts[0];
        return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(label);
    }

    private static string? Cut(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..max];
}
