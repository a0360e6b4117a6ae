using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.Intake;

/// <summary>
/// The team's own addresses and domains (team members', users', the consultancies' web domains, the mailbox's own and
/// <see cref="IntakeOptions.TeamAddresses"/>): never taken for a company's participant.
/// </summary>
public sealed class TeamAddresses(IReadOnlySet<string> addresses, IReadOnlySet<string> domains)
{
    public bool Contains(string? address)
    {
        if (CompanyKeys.Email(address) is not { } key)
        {
            return true;
        }
        return addresses.Contains(key) || (DomainOf(key) is { } domain && domains.Contains(domain));
    }

    public static string? DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 || at == address.Length - 1 ? null : CompanyKeys.Domain(address[(at + 1)..]);
    }

    public static async Task<TeamAddresses> LoadAsync(LeadsDbContext db, IntakeOptions options, CancellationToken cancellationToken)
    {
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var domains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var email in await db.TeamMembers.AsNoTracking().Where(m => m.Email != null).Select(m => m.Email!).ToListAsync(cancellationToken))
        {
            Add(email);
        }
        foreach (var email in await db.Users.AsNoTracking().Where(u => u.Email != null).Select(u => u.Email!).ToListAsync(cancellationToken))
        {
            Add(email);
        }
        foreach (var domain in await db.Consultancies.AsNoTracking().Where(c => c.WebDomain != null).Select(c => c.WebDomain!).ToListAsync(cancellationToken))
        {
            Add(domain);
        }
        Add(options.Imap.User);
        foreach (var extra in (options.TeamAddresses ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Add(extra);
        }
        return new TeamAddresses(addresses, domains);

        void Add(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return;
            }
            if (value.Contains('@'))
            {
                addresses.Add(CompanyKeys.Email(value)!);
            }
            else if (CompanyKeys.Domain(value) is { } domain)
            {
                domains.Add(domain);
            }
        }
    }
}
