using PyPyLeads.UseCases;
using FluentValidation;
using PyPyLeads.Tour;
using PyPyLeads.Web.Features.Deals;

namespace PyPyLeads.Web.Features.Leads;

public sealed class AssignLeadForm
{
    /// <summary>Open End, merlinux, or empty for "not assigned".</summary>
    public int? ConsultancyId { get; set; }
    public string? Reason { get; set; }
    /// <summary>The company's version when the form was shown.</summary>
    public long Version { get; set; }
    public string? ReturnUrl { get; set; }
}

public sealed record UnassignedRow(int Id, string Name, string? Place, string Source, string Created);

public sealed record UnassignedPage(IReadOnlyList<UnassignedRow> Rows, int Total, int Page, int PageCount, bool CanAssign);

public sealed record AssignmentLine(string When, string Who, string Summary, string? Why);

public sealed record OtherDeal(int Id, string Description, string Consultancy);

public sealed record AssignPage(
    int CompanyId, string CompanyName, int? ConsultancyId, long Version, AssignLeadForm Form, bool CanAssign,
    IReadOnlyList<AssignmentLine> History, IReadOnlyList<OtherDeal> OpenDeals, string? Conflict);
