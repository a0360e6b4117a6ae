using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Who may change what hangs on a company (its details, people, encounters, follow-ups, meetings, presentation
/// requests): <see cref="Caller.MayChange"/> on the company's consultancy, read from the database. Use cases call it
/// inside their transaction, so a lead reassigned a moment ago is judged as it is now.
/// </summary>
public static class CompanyAccess
{
    public const string Gone = "That company does not exist, or it was deleted.";

    /// <summary><see cref="NotFound"/> for no such live company, <see cref="NotAllowed"/> when it is another consultancy's; null when the caller may change it.</summary>
    public static async Task<Outcome?> RefusalAsync(LeadsDbContext db, int companyId, Caller caller, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().Where(c => c.Id == companyId && c.DeletedAtUtc == null)
            .Select(c => new { c.Name, c.ConsultancyId }).SingleOrDefaultAsync(cancellationToken);
        return company is null ? new NotFound(Gone) : Refusal(caller, company.Name, company.ConsultancyId);
    }

    /// <summary>The refusal for a company already loaded; null when the caller may change it.</summary>
    public static NotAllowed? Refusal(Caller caller, string companyName, int? consultancyId) =>
        caller.RefusalFor(consultancyId, $"“{companyName}”");
}
