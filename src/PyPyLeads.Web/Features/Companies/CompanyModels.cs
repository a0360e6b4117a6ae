using PyPyLeads.UseCases;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.WebUtilities;
using PyPyLeads.Companies;
using PyPyLeads.Timeline;

namespace PyPyLeads.Web.Features.Companies;

public static class CompanySorts
{
    public const string Name = "name";
    public const string Newest = "newest";
    public const string Oldest = "oldest";

    public static IReadOnlyList<SelectListItem> Items { get; } =
        [new("Name (A–Z)", Name), new("Newest first", Newest), new("Oldest first", Oldest)];
}

/// <summary>The list's search, filters, sort and keyset position (all in the query string, so a page can be bookmarked).</summary>
public sealed class CompanyListQuery
{
    public string? Q { get; set; }
    public int? Stop { get; set; }
    /// <summary>A consultancy's id, or "none" for companies not assigned yet.</summary>
    public string? Consultancy { get; set; }
    public Interests? Interest { get; set; }
    public string? Sort { get; set; }
    /// <summary>Keyset cursors: the last row of the page before, or the first row of the page after.</summary>
    public string? After { get; set; }
    public string? Before { get; set; }

    public string SortOrDefault => Sort is CompanySorts.Newest or CompanySorts.Oldest ? Sort : CompanySorts.Name;

    public bool IsFiltered => !string.IsNullOrWhiteSpace(Q) || Stop is not null || !string.IsNullOrEmpty(Consultancy) || Interest is not null;

    /// <summary>The query string for the same search on another page.</summary>
    public string Link(string? after = null, string? before = null, string path = "/companies")
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q,
            ["stop"] = Stop?.ToString(CultureInfo.InvariantCulture),
            ["consultancy"] = string.IsNullOrEmpty(Consultancy) ? null : Consultancy,
            ["interest"] = Interest?.ToString(),
            ["sort"] = Sort is null or CompanySorts.Name ? null : Sort,
            ["after"] = after,
            ["before"] = before,
        };
        return QueryHelpers.AddQueryString(path, values.Where(v => v.Value is not null).Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
    }
}

/// <summary>A keyset position: the sort key and id of a row, opaque in the URL.</summary>
public sealed record Cursor(string Key, int Id)
{
    public string Encode() => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(Key + "\u001f" + Id.ToString(CultureInfo.InvariantCulture)));

    public static Cursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 2000)
        {
            return null;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text)).Split('\u001f');
            return parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new Cursor(parts[0], id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public sealed record CompanyRow(int Id, string Name, string? WebDomain, string? City, string? Country, string? Consultancy, int People, DateTime? LastMetUtc, string? LastMetAt);

public sealed class CompanyListPage
{
    public required CompanyListQuery Query { get; init; }
    public required IReadOnlyList<CompanyRow> Rows { get; init; }
    public string? NextCursor { get; init; }
    public string? PreviousCursor { get; init; }
    public int? Total { get; init; }
    public required IReadOnlyList<SelectListItem> Stops { get; init; }
    public required IReadOnlyList<SelectListItem> Consultancies { get; init; }
    public required Viewer Viewer { get; init; }
}

public sealed record PersonRow(int Id, string Name, string? Role, string? Email, string? Phone, long Version);

public sealed record TimelineRow(TimelineEntry Entry, string When);

public sealed class CompanyPage
{
    public required Company Company { get; init; }
    public string? Consultancy { get; init; }
    public string? SourceStop { get; init; }
    public string? DeletedBy { get; init; }
    public (int Id, string Name)? MergedInto { get; init; }
    public required IReadOnlyList<PersonRow> People { get; init; }
    /// <summary>All the company's people; more than <see cref="People"/> holds when the page shows only the first ones.</summary>
    public int PeopleCount { get; init; }
    public required IReadOnlyList<TimelineRow> Timeline { get; init; }
    public string? OlderCursor { get; init; }
    public required Viewer Viewer { get; init; }
}

/// <summary>What the company page passes to <c>_CompanyActions</c>, where other features add their buttons.</summary>
public sealed record CompanyActions(int CompanyId, string Name, bool IsDeleted, int? ConsultancyId, Viewer Viewer);

/// <summary>The edit form of a company; its rules are <see cref="EditCompany.Validator"/>'s.</summary>
public sealed class CompanyForm
{
    public string? Name { get; set; }
    public string? WebDomain { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public string? Industry { get; set; }
    public string? Notes { get; set; }
    public LeadSource? Source { get; set; }
    public int? SourceTourStopId { get; set; }
    /// <summary>The version the form was loaded at: a save over a newer one is refused.</summary>
    public long Version { get; set; }

    public static CompanyForm From(Company c) => new()
    {
        Name = c.Name, WebDomain = c.WebDomain, City = c.City, Country = c.Country, Industry = c.Industry, Notes = c.Notes,
        Source = c.Source, SourceTourStopId = c.SourceTourStopId, Version = c.Version,
    };
}

/// <summary>The company form, for editing one (<see cref="Id"/> set) or adding one (null).</summary>
public sealed class CompanyEditPage
{
    public required int? Id { get; init; }
    public required string CurrentName { get; init; }
    public required CompanyForm Form { get; init; }
    public required IReadOnlyList<SelectListItem> Stops { get; init; }
    /// <summary>After a refused save: the values someone else saved meanwhile, by field, and who.</summary>
    public IReadOnlyDictionary<string, string?> Theirs { get; init; } = new Dictionary<string, string?>();
    public string? ConflictBy { get; init; }
    public IReadOnlyList<CompanyMatch> Duplicates { get; init; } = [];
}

/// <summary>The form to add or edit a person; its rules are <see cref="PyPyLeads.Companies.AddPerson.Validator"/>'s and <see cref="EditPerson.Validator"/>'s.</summary>
public sealed class PersonForm
{
    public string? Name { get; set; }
    public string? Role { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public long Version { get; set; }

    public static PersonForm From(Person p) => new() { Name = p.Name, Role = p.Role, Email = p.Email, Phone = p.Phone, Version = p.Version };
}

public sealed class PersonEditPage
{
    public int? PersonId { get; init; }
    public required int CompanyId { get; init; }
    public required string CompanyName { get; init; }
    public required PersonForm Form { get; init; }
    public IReadOnlyDictionary<string, string?> Theirs { get; init; } = new Dictionary<string, string?>();
    public string? ConflictBy { get; init; }
}

public sealed record MergeCandidate(int Id, string Name, string? WebDomain, string? City, int People, int Encounters, DateTime CreatedAtUtc, long Version)
{
    public int? ConsultancyId { get; init; }
}

public sealed class CompanyMergePage
{
    public required MergeCandidate This { get; init; }
    public MergeCandidate? Other { get; init; }
    public string? Q { get; init; }
    public IReadOnlyList<MergeCandidate> Found { get; init; } = [];
    public string? Error { get; init; }
    /// <summary>The company chosen to stay, when the page is shown again after a refused merge.</summary>
    public int? Keep { get; init; }
}

public sealed class PersonMergePage
{
    public required PersonRow This { get; init; }
    public required int CompanyId { get; init; }
    public required string CompanyName { get; init; }
    public required IReadOnlyList<PersonRow> Others { get; init; }
    public string? Error { get; init; }
    /// <summary>The person chosen, when the page is shown again after a refused merge.</summary>
    public int? Chosen { get; init; }
}

public sealed record DeletedCompanyRow(int Id, string Name, DateTime DeletedAtUtc, string? DeletedBy, int? MergedIntoId, string? MergedIntoName, long Version);
