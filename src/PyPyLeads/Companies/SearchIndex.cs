using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>
/// Keeps <see cref="CompanySearchTerm"/> in step with companies and their people, and turns a search box's text
/// into indexed prefix ranges. A company is found by the start of any word of its name, city or a person's
/// name, by its domain, or by the start of a person's e-mail address.
/// </summary>
public static class SearchIndex
{
    private const int MaxTerms = 8;
    private const int Chunk = 500;

    /// <summary>The terms of one company (deduplicated, cut to the column's length).</summary>
    public static IReadOnlySet<string> TermsFor(string name, string? domainKey, string? city, IEnumerable<(string Name, string? EmailKey)> people)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? term)
        {
            if (!string.IsNullOrEmpty(term))
            {
                terms.Add(Cut(term));
            }
        }
        foreach (var word in CompanyKeys.Words(name)) Add(word);
        foreach (var word in CompanyKeys.Words(city)) Add(word);
        if (domainKey is not null)
        {
            Add(domainKey);
            // "acme-widgets.com" is found by "widgets" too; the top-level label ("com") would match everything.
            var labels = domainKey.Split('.');
            foreach (var word in labels.Take(labels.Length - 1).SelectMany(CompanyKeys.Words)) Add(word);
        }
        foreach (var (personName, emailKey) in people)
        {
            foreach (var word in CompanyKeys.Words(personName)) Add(word);
            if (emailKey is not null)
            {
                Add(emailKey);
                var at = emailKey.LastIndexOf('@');
                if (at >= 0) Add(emailKey[(at + 1)..]);
            }
        }
        return terms;
    }

    /// <summary>What each word typed in the search box must be the start of: e-mails and domains whole, other words folded.</summary>
    public static IReadOnlyList<string> QueryTerms(string? query)
    {
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(query))
        {
            return result;
        }
        foreach (var token in query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Contains('@', StringComparison.Ordinal))
            {
                result.Add(Cut(token.ToLowerInvariant()));
            }
            else if (token.Contains('.', StringComparison.Ordinal) && CompanyKeys.Domain(token) is { } domain && domain.Contains('.', StringComparison.Ordinal))
            {
                result.Add(Cut(domain));
            }
            else
            {
                result.AddRange(CompanyKeys.Words(token).Select(Cut));
            }
        }
        return result.Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
    }

    /// <summary>Above this many entries a term is too common to drive a search: the list's own order does.</summary>
    private const int DriveLimit = 5000;

    /// <summary>
    /// Companies having, for every query term, a term that starts with it. The rarest term (counted through the
    /// index, up to <see cref="DriveLimit"/>) picks the candidate companies; the others are checked per candidate
    /// through the CompanyId index. When every term is common, the list walks its sort index and checks each row,
    /// which finds a page quickly precisely because so many rows match.
    /// </summary>
    public static async Task<IQueryable<Company>> MatchingAsync(this IQueryable<Company> companies, LeadsDbContext db, string? query, CancellationToken cancellationToken = default)
    {
        var terms = QueryTerms(query);
        if (terms.Count == 0)
        {
            return companies;
        }
        var counts = new List<(string Term, int Count)>();
        foreach (var term in terms)
        {
            // Ordered as the primary key already walks the range (same plan): a bare Take made EF warn at every start.
            counts.Add((term, await Range(db, term).OrderBy(t => t.Term).Take(DriveLimit).CountAsync(cancellationToken)));
        }
        var rarest = counts.MinBy(c => c.Count);
        if (rarest.Count == 0)
        {
            return companies.Where(c => false);
        }
        foreach (var (term, count) in counts)
        {
            if (term == rarest.Term && count < DriveLimit)
            {
                var ids = Range(db, term).Select(t => t.CompanyId);
                companies = companies.Where(c => ids.Contains(c.Id));
            }
            else
            {
                var upper = Successor(term);
                companies = companies.Where(c => db.CompanySearchTerms.Any(t => t.CompanyId == c.Id
                    && string.Compare(t.Term, term) >= 0 && string.Compare(t.Term, upper) < 0 && t.Term.StartsWith(term)));
            }
        }
        return companies;
    }

    private static IQueryable<CompanySearchTerm> Range(LeadsDbContext db, string term)
    {
        var upper = Successor(term);
        return db.CompanySearchTerms.Where(t => string.Compare(t.Term, term) >= 0 && string.Compare(t.Term, upper) < 0 && t.Term.StartsWith(term));
    }

    /// <summary>Rebuilds the terms of these companies from what is saved now (call after SaveChanges, in the same transaction).</summary>
    public static async Task RefreshAsync(LeadsDbContext db, IEnumerable<int> companyIds, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in companyIds.Distinct().Chunk(Chunk))
        {
            await db.CompanySearchTerms.Where(t => chunk.Contains(t.CompanyId)).ExecuteDeleteAsync(cancellationToken);
            var companies = await db.Companies.AsNoTracking().Where(c => chunk.Contains(c.Id))
                .Select(c => new { c.Id, c.Name, c.DomainKey, c.City }).ToListAsync(cancellationToken);
            var people = (await db.People.AsNoTracking().Where(p => chunk.Contains(p.CompanyId) && p.DeletedAtUtc == null)
                    .Select(p => new { p.CompanyId, p.Name, p.EmailKey }).ToListAsync(cancellationToken))
                .ToLookup(p => p.CompanyId, p => (p.Name, p.EmailKey));
            var rows = companies.SelectMany(c => TermsFor(c.Name, c.DomainKey, c.City, people[c.Id])
                .Select(t => new CompanySearchTerm { CompanyId = c.Id, Term = t })).ToList();
            var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                db.CompanySearchTerms.AddRange(rows);
                await db.SaveChangesAsync(cancellationToken);
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = tracking;
            }
            foreach (var row in rows)
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    private static string Cut(string term) =>
        term.Length <= CompanySearchTermConfiguration.MaxTermLength ? term : term[..CompanySearchTermConfiguration.MaxTermLength];

    /// <summary>The smallest string above every string starting with <paramref name="prefix"/> (ordinal).</summary>
    private static string Successor(string prefix)
    {
        var last = prefix[^1];
        return last == char.MaxValue ? prefix + char.MaxValue : prefix[..^1] + (char)(last + 1);
    }
}
