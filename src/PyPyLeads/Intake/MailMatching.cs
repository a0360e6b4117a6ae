using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.Intake;

/// <summary>Which company a message belongs to: one (<see cref="CompanyId"/>), or none or several (<see cref="TriageReason"/>).</summary>
public sealed record MailMatch(int? CompanyId, string How, string? TriageReason, IReadOnlyList<int> Candidates);

/// <summary>
/// The rules that put a message on a company, in order: a reply joins its thread (the company of the message its
/// In-Reply-To or References name); else each external participant (for a forwarded message, the original sender) is
/// looked up by address among the live people, then by domain among the live companies' web domains. Exactly one
/// company files it; none or several send it to triage.
/// </summary>
public static class MailMatching
{
    public static async Task<MailMatch> FindAsync(LeadsDbContext db, ParsedMail mail, TeamAddresses team, CancellationToken cancellationToken)
    {
        if (mail.Error is not null)
        {
            return new(null, "", "It could not be read: " + mail.Error, []);
        }
        var thread = mail.References.Append(mail.InReplyTo).OfType<string>().Distinct().ToList();
        if (thread.Count > 0)
        {
            var threadCompanies = await db.IntakeMessages.AsNoTracking()
                .Where(m => m.MessageId != null && thread.Contains(m.MessageId) && m.CompanyId != null)
                .Select(m => m.CompanyId!.Value).Distinct().ToListAsync(cancellationToken);
            var live = await LiveAsync(db, threadCompanies, cancellationToken);
            if (live.Count == 1)
            {
                return new(live[0], "reply in a thread", null, live);
            }
        }

        var external = mail.External(team).Select(a => CompanyKeys.Email(a.Address)!).Distinct().ToList();
        if (external.Count == 0)
        {
            return new(null, "", "No one outside the team is on it.", []);
        }
        var byPerson = await db.People.AsNoTracking()
            .Where(p => p.DeletedAtUtc == null && p.EmailKey != null && external.Contains(p.EmailKey) && p.Company!.DeletedAtUtc == null)
            .Select(p => p.CompanyId).Distinct().ToListAsync(cancellationToken);
        if (byPerson.Count == 1)
        {
            return new(byPerson[0], "known person", null, byPerson);
        }
        if (byPerson.Count > 1)
        {
            return new(null, "", "Its people are at several companies.", byPerson);
        }
        var domains = external.Select(TeamAddresses.DomainOf).OfType<string>().Distinct().ToList();
        var byDomain = await db.Companies.AsNoTracking()
            .Where(c => c.DeletedAtUtc == null && c.DomainKey != null && domains.Contains(c.DomainKey))
            .Select(c => c.Id).ToListAsync(cancellationToken);
        return byDomain.Count switch
        {
            1 => new(byDomain[0], "web domain", null, byDomain),
            0 => new(null, "", "No company has these people or web domains: " + string.Join(", ", external) + ".", []),
            _ => new(null, "", "Its addresses match several companies' web domains.", byDomain),
        };
    }

    private static async Task<List<int>> LiveAsync(LeadsDbContext db, List<int> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? [] : await db.Companies.AsNoTracking().Where(c => ids.Contains(c.Id) && c.DeletedAtUtc == null).Select(c => c.Id).ToListAsync(cancellationToken);
}
