using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>A live person at a company whom a typed name or e-mail address meets.</summary>
/// <param name="ByEmail">Met by the e-mail address (so certainly them); else by the name (probably them).</param>
public sealed record PersonMatch(int Id, string Name, string? Role, string? Email, bool ByEmail, int CompanyId, string CompanyName);

/// <summary>Finds the people at a company that a new person would duplicate.</summary>
public static class PersonMatching
{
    /// <summary>
    /// The same e-mail address is the same person. Otherwise the same name is probably them, unless both have
    /// different e-mail addresses or the caller said it is someone else (<paramref name="someoneElse"/>).
    /// </summary>
    public static async Task<IReadOnlyList<PersonMatch>> FindAsync(LeadsDbContext db, int companyId, string companyName, string? name, string? email,
        bool someoneElse, CancellationToken cancellationToken)
    {
        var emailKey = CompanyKeys.Email(email);
        var nameKey = string.IsNullOrWhiteSpace(name) ? null : CompanyKeys.PersonName(name);
        var people = await db.People.AsNoTracking().Where(p => p.CompanyId == companyId && p.DeletedAtUtc == null)
            .Select(p => new { p.Id, p.Name, p.Role, p.Email, p.EmailKey }).ToListAsync(cancellationToken);
        var byEmail = people.Where(p => emailKey is not null && p.EmailKey == emailKey)
            .Select(p => new PersonMatch(p.Id, p.Name, p.Role, p.Email, true, companyId, companyName)).ToList();
        if (byEmail.Count > 0 || someoneElse)
        {
            return byEmail;
        }
        return people.Where(p => nameKey is not null && CompanyKeys.PersonName(p.Name) == nameKey && (p.EmailKey is null || emailKey is null))
            .Select(p => new PersonMatch(p.Id, p.Name, p.Role, p.Email, false, companyId, companyName)).ToList();
    }
}
