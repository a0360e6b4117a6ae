using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.Schedule;

/// <summary>The company a presentation request or meeting belongs to: an existing one by the duplicate rules, else a new one.</summary>
public static class RequestingCompany
{
    public static async Task<Company> FindOrCreateAsync(LeadsDbContext db, string name, string? webDomain, string? city, LeadSource source, DateTime nowUtc, string? userId, CancellationToken cancellationToken)
    {
        var nameKey = CompanyKeys.Name(name);
        var domainKey = CompanyKeys.Domain(webDomain);
        var existing = await db.Companies
            .Where(c => c.DeletedAtUtc == null && (c.NameKey == nameKey || (domainKey != null && c.DomainKey == domainKey)))
            .OrderBy(c => c.NameKey == nameKey ? 0 : 1).ThenBy(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return existing;
        }
        var company = new Company
        {
            Name = name.Trim(), NameKey = nameKey, WebDomain = webDomain?.Trim() is { Length: > 0 } d ? d : null, DomainKey = domainKey,
            City = city?.Trim() is { Length: > 0 } c2 ? c2 : null, Source = source, CreatedAtUtc = nowUtc, CreatedByUserId = userId,
        };
        db.Companies.Add(company);
        return company;
    }
}
