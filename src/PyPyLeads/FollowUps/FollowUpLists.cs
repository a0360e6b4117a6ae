using PyPyLeads.Data;

namespace PyPyLeads.FollowUps;

/// <summary>A follow-up with the names its lists show beside it, read in the same query.</summary>
public sealed class FollowUpWithNames
{
    public required FollowUp F { get; init; }
    public required string CompanyName { get; init; }
    /// <summary>The company's consultancy, which decides who may change the follow-up (<see cref="FollowUpRules.MayChange"/>).</summary>
    public int? CompanyConsultancyId { get; init; }
    public required string OwnerName { get; init; }
}

public static class FollowUpLists
{
    /// <summary>The follow-ups with their company's and owner's names: one query for a whole list, however long.</summary>
    public static IQueryable<FollowUpWithNames> WithNames(this IQueryable<FollowUp> followUps, LeadsDbContext db) =>
        from f in followUps
        join u in db.Users on f.OwnerUserId equals u.Id
        select new FollowUpWithNames { F = f, CompanyName = f.Company!.Name, CompanyConsultancyId = f.Company.ConsultancyId, OwnerName = u.DisplayName };
}
