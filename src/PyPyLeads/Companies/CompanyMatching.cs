using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>An existing live company that a typed name or domain meets.</summary>
public sealed record CompanyMatch(int Id, string Name, string? WebDomain, string? City, bool ByName, bool ByDomain)
{
    /// <summary>Whose lead it is (null: not yet assigned), for who may add to it.</summary>
    public int? ConsultancyId { get; init; }

    public string Reason => ByName && ByDomain ? "same name and web domain" : ByName ? "same name" : "same web domain";
}

/// <summary>Finds the live companies a new company would duplicate: same normalised name or same bare domain.</summary>
public static class CompanyMatching
{
    public static async Task<IReadOnlyList<CompanyMatch>> FindAsync(LeadsDbContext db, string? name, string? webDomain, int? exceptId = null, CancellationToken cancellationToken = default)
    {
        var nameKey = string.IsNullOrWhiteSpace(name) ? null : CompanyKeys.Name(name);
        var domainKey = CompanyKeys.Domain(webDomain);
        if (string.IsNullOrEmpty(nameKey) && domainKey is null)
        {
            return [];
        }
        var found = await db.Companies.AsNoTracking()
            .Where(c => c.DeletedAtUtc == null && c.Id != exceptId && ((nameKey != null && c.NameKey == nameKey) || (domainKey != null && c.DomainKey == domainKey)))
            .Select(c => new { c.Id, c.Name, c.WebDomain, c.City, c.NameKey, c.DomainKey, c.ConsultancyId })
            .ToListAsync(cancellationToken);
        return found.Select(c => new CompanyMatch(c.Id, c.Name, c.WebDomain, c.City, c.NameKey == nameKey, domainKey != null && c.DomainKey == domainKey) { ConsultancyId = c.ConsultancyId })
            .OrderByDescending(m => m.ByName).ToList();
    }

    /// <summary>Live companies by name key and by domain key, for many keys at once (the CSV import).</summary>
    public static async Task<(Dictionary<string, CompanyMatch> ByName, Dictionary<string, CompanyMatch> ByDomain)> FindManyAsync(
        LeadsDbContext db, IEnumerable<string> nameKeys, IEnumerable<string> domainKeys, CancellationToken cancellationToken = default)
    {
        var byName = new Dictionary<string, CompanyMatch>(StringComparer.Ordinal);
        var byDomain = new Dictionary<string, CompanyMatch>(StringComparer.Ordinal);
        foreach (var chunk in nameKeys.Distinct().Chunk(500))
        {
            foreach (var c in await db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null && chunk.Contains(c.NameKey))
                         .Select(c => new { c.Id, c.Name, c.WebDomain, c.City, c.NameKey, c.ConsultancyId }).ToListAsync(cancellationToken))
            {
                byName[c.NameKey] = new CompanyMatch(c.Id, c.Name, c.WebDomain, c.City, true, false) { ConsultancyId = c.ConsultancyId };
            }
        }
        foreach (var chunk in domainKeys.Distinct().Chunk(500))
        {
            foreach (var c in await db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null && c.DomainKey != null && chunk.Contains(c.DomainKey))
                         .Select(c => new { c.Id, c.Name, c.WebDomain, c.City, c.DomainKey, c.ConsultancyId }).ToListAsync(cancellationToken))
            {
                byDomain[c.DomainKey!] = new CompanyMatch(c.Id, c.Name, c.WebDomain, c.City, false, true) { ConsultancyId = c.ConsultancyId };
            }
        }
        return (byName, byDomain);
    }
}
