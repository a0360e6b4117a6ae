using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using FluentValidation;

namespace PyPyLeads.Companies;

/// <summary>One line of the companies-and-people CSV: a person at a company, or a company alone.</summary>
public sealed class CsvRow
{
    /// <summary>The row's number as a spreadsheet shows it (the header is row 1).</summary>
    public int Number { get; init; }
    public string? Company { get; init; }
    public string? WebDomain { get; init; }
    public string? City { get; init; }
    public string? Country { get; init; }
    public string? Industry { get; init; }
    public string? Source { get; init; }
    public string? Consultancy { get; init; }
    public string? Notes { get; init; }
    public string? Person { get; init; }
    public string? Role { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    /// <summary>Problems with the row's shape found while reading it (e.g. too many fields).</summary>
    public List<string> ReadErrors { get; } = [];
}

/// <summary>A file read whole, or the reason it could not be read (then nothing is imported).</summary>
public sealed record CsvFile(IReadOnlyList<CsvRow> Rows, string? Error);

/// <summary>
/// The CSV format of companies and people, read and written with CsvHelper. Export neutralises cells that a
/// spreadsheet would run as a formula (starting with = + - @, tab or carriage return get a leading '); import
/// takes that quote off again, so an exported file imports as it was.
/// </summary>
public static class CompanyCsv
{
    public const int MaxRows = 50_000;

    public static readonly string[] Header =
        ["Company", "Web domain", "City", "Country", "Industry", "Source", "Consultancy", "Notes", "Person", "Role", "E-mail", "Phone"];

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    // Header names are matched loosely: case, spaces, hyphens and underscores ignored, a few common synonyms.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["company"] = "Company", ["companyname"] = "Company", ["organisation"] = "Company", ["organization"] = "Company",
        ["webdomain"] = "Web domain", ["domain"] = "Web domain", ["website"] = "Web domain", ["web"] = "Web domain", ["url"] = "Web domain",
        ["city"] = "City", ["country"] = "Country", ["industry"] = "Industry", ["source"] = "Source", ["consultancy"] = "Consultancy",
        ["notes"] = "Notes", ["note"] = "Notes",
        ["person"] = "Person", ["personname"] = "Person", ["contact"] = "Person", ["contactname"] = "Person", ["name"] = "Person",
        ["role"] = "Role", ["title"] = "Role", ["jobtitle"] = "Role",
        ["email"] = "E-mail", ["emailaddress"] = "E-mail", ["mail"] = "E-mail",
        ["phone"] = "Phone", ["telephone"] = "Phone", ["phonenumber"] = "Phone", ["mobile"] = "Phone",
    };

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<string?[]> rows, CancellationToken cancellationToken)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.Escape,
            InjectionCharacters = FormulaStarts,
            InjectionEscapeCharacter = '\'',
        };
        await using var csv = new CsvWriter(writer, config, leaveOpen: true);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }
        await csv.NextRecordAsync();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            foreach (var field in row)
            {
                csv.WriteField(field ?? "");
            }
            await csv.NextRecordAsync();
        }
        await csv.FlushAsync();
    }

    public static CsvFile Read(string content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return new CsvFile([], "The file is empty.");
        }
        if (content.Contains('\0', StringComparison.Ordinal))
        {
            return new CsvFile([], "This is not a CSV text file (it contains binary data). Save the spreadsheet as “CSV UTF-8” and upload that.");
        }
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
            IgnoreBlankLines = true,
            MissingFieldFound = null,
            HeaderValidated = null,
            // BadDataFound keeps its default: a stray or unclosed quote throws, and the whole file is refused with the row.
        };
        var rows = new List<CsvRow>();
        try
        {
            using var csv = new CsvReader(new StringReader(content), config);
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
            {
                return new CsvFile([], "The file has no header line.");
            }
            var columns = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                if (Aliases.TryGetValue(Simplify(header[i]), out var column))
                {
                    columns.TryAdd(column, i);
                }
            }
            if (!columns.ContainsKey("Company"))
            {
                return new CsvFile([], "The first line must name the columns, and one of them must be “Company”. " +
                                       "The columns are: " + string.Join(", ", Header) + ". Found: " +
                                       string.Join(", ", header.Take(12).Select(h => "“" + Shorten(h) + "”")) + ".");
            }
            while (csv.Read())
            {
                if (rows.Count >= MaxRows)
                {
                    return new CsvFile([], string.Create(CultureInfo.InvariantCulture, $"The file has more than {MaxRows:N0} rows; split it into smaller files."));
                }
                var record = csv.Parser.Record ?? [];
                if (record.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }
                string? Field(string name) => columns.TryGetValue(name, out var i) && i < record.Length ? Unneutralise(record[i]) : null;
                var row = new CsvRow
                {
                    Number = csv.Parser.Row,
                    Company = Field("Company"), WebDomain = Field("Web domain"), City = Field("City"), Country = Field("Country"),
                    Industry = Field("Industry"), Source = Field("Source"), Consultancy = Field("Consultancy"), Notes = Field("Notes"),
                    Person = Field("Person"), Role = Field("Role"), Email = Field("E-mail"), Phone = Field("Phone"),
                };
                if (record.Length > header.Length)
                {
                    row.ReadErrors.Add(string.Create(CultureInfo.InvariantCulture,
                        $"This row has {record.Length} fields but the header names {header.Length}: a comma inside a value needs quotes around the value."));
                }
                rows.Add(row);
            }
        }
        catch (CsvHelperException ex) when (ex is BadDataException or ParserException or ReaderException)
        {
            var row = ex.Context?.Parser?.Row;
            return new CsvFile([], $"The file is not valid CSV{(row is null ? "" : " near row " + row.Value.ToString(CultureInfo.InvariantCulture))}: " +
                                   "a quote is probably not closed. Nothing was imported.");
        }
        if (rows.Count == 0)
        {
            return new CsvFile([], "The file has a header line but no rows.");
        }
        return new CsvFile(rows, null);
    }

    /// <summary>A cell exported as '=SUM(…) comes back as =SUM(…): the quote was ours.</summary>
    private static string? Unneutralise(string? cell) =>
        cell is { Length: > 1 } && cell[0] == '\'' && FormulaStarts.Contains(cell[1]) ? cell[1..] : cell;

    private static string Simplify(string header) =>
        new(header.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c)).ToArray());

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>The same rules as the forms, row by row.</summary>
public sealed class CsvRowValidator : AbstractValidator<CsvRow>
{
    public CsvRowValidator()
    {
        RuleFor(x => x.Company).NotEmpty().WithMessage("Company: the name is missing.").SingleLine("Company", CompanyRules.Name);
        RuleFor(x => x.WebDomain).WebDomainShape();
        RuleFor(x => x.City).SingleLine("City", CompanyRules.City);
        RuleFor(x => x.Country).SingleLine("Country", CompanyRules.Country);
        RuleFor(x => x.Industry).SingleLine("Industry", CompanyRules.Industry);
        RuleFor(x => x.Source).Must(s => string.IsNullOrWhiteSpace(s) || LeadSources.Parse(s) is not null)
            .WithMessage("Source: use tour stop, e-mail, referral, invitation page or other.");
        RuleFor(x => x.Notes).MultiLine("Notes", CompanyRules.Notes);
        RuleFor(x => x.Person).SingleLine("Person", CompanyRules.PersonName);
        RuleFor(x => x.Person).NotEmpty().When(x => !string.IsNullOrWhiteSpace(x.Role) || !string.IsNullOrWhiteSpace(x.Email) || !string.IsNullOrWhiteSpace(x.Phone))
            .WithMessage("Person: a role, e-mail or phone is given but no name.");
        RuleFor(x => x.Role).SingleLine("Role", CompanyRules.Role);
        RuleFor(x => x.Email).EmailShape();
        RuleFor(x => x.Phone).PhoneShape();
    }
}
