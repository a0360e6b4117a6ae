using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Webhooks;

namespace PyPyLeads.Schedule;

/// <summary>The company a presentation request or meeting belongs to: an existing one by the duplicate rules, else a new one.</summary>
public static class RequestingCompany
{
    /// <summary>
    /// Finds the live company matching the name or web domain (CompanyMatching's rules), or saves a new one and indexes
    /// it for search. Call inside the caller's transaction; a simultaneous creation trips the unique keys and the
    /// caller retries.
    /// </summary>
    public static async Task<Company> FindOrCreateAsync(LeadsDbContext db, string name, string? webDomain, string? city, LeadSource source, DateTime nowUtc, string? userId, CancellationToken cancellationToken)
    {
        var matches = await CompanyMatching.FindAsync(db, name, webDomain, cancellationToken: cancellationToken);
        if (matches.Count > 0)
        {
            return (await db.Companies.FindAsync([matches[0].Id], cancellationToken))!;
        }
        var company = new Company
        {
            Name = name.Trim(), NameKey = CompanyKeys.Name(name), WebDomain = webDomain?.Trim() is { Length: > 0 } d ? d : null,
            DomainKey = CompanyKeys.Domain(webDomain), City = city?.Trim() is { Length: > 0 } c ? c : null, Source = source,
            CreatedAtUtc = nowUtc, CreatedByUserId = userId,
        };
        db.Companies.Add(company);
        await db.SaveChangesAsync(cancellationToken);
        // Saved with the caller's next save, in its transaction.
        await db.RaiseWebhookAsync(WebhookEventTypes.CompanyCreated, WebhookPayloads.CompanyCreated(company, null), nowUtc, cancellationToken);
        await SearchIndex.RefreshAsync(db, [company.Id], cancellationToken);
        return company;
    }
}
