using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Features.Companies;

public sealed record CompanyChoice(int Id, string Name, int? ConsultancyId);

/// <summary>
/// "With which company?" before a new deal or follow-up (Features/Shared/PickCompany.cshtml): a search by name, or the
/// viewer's consultancy's leads. Each choice links to the same controller's New action with the company's id.
/// </summary>
public sealed record PickCompanyPage(string Title, string? Query, IReadOnlyList<CompanyChoice> Companies, int? ViewerConsultancyId)
{
    public const int Shown = 20;

    public static async Task<PickCompanyPage> FindAsync(LeadsDbContext db, string title, string? q, int? viewerConsultancyId, CancellationToken cancellationToken)
    {
        var companies = db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null);
        if (!string.IsNullOrWhiteSpace(q) && q.Length <= 200)
        {
            var key = CompanyKeys.Name(q);
            companies = companies.Where(c => c.NameKey.Contains(key));
        }
        else if (viewerConsultancyId is { } mine)
        {
            companies = companies.Where(c => c.ConsultancyId == mine);
        }
        var found = await companies.OrderBy(c => c.Name).ThenBy(c => c.Id).Take(Shown)
            .Select(c => new CompanyChoice(c.Id, c.Name, c.ConsultancyId)).ToListAsync(cancellationToken);
        return new PickCompanyPage(title, q, found, viewerConsultancyId);
    }
}
