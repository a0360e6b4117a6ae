using System.Globalization;
using PyPyLeads.Deals;

namespace PyPyLeads.Web.Features.Deals;

/// <summary>
/// The deal form, for a new deal and for an edit. Amounts, probability and date arrive as text so that what was
/// typed is shown back with a clear message (the use cases read and check them). ConsultancyId and OwnerUserId are
/// read from admins only.
/// </summary>
public sealed class DealForm
{
    public int? CompanyId { get; set; }
    public DealKind? Kind { get; set; }
    public string? Title { get; set; }
    /// <summary>Only when creating: the open stage the deal starts in.</summary>
    public DealStage? Stage { get; set; }
    public string? Value { get; set; }
    public string? Currency { get; set; }
    /// <summary>Empty means the stage's default.</summary>
    public string? Probability { get; set; }
    /// <summary>yyyy-MM-dd, as a date input sends it.</summary>
    public string? ExpectedCloseOn { get; set; }
    public string? Notes { get; set; }
    public int? ConsultancyId { get; set; }
    public string? OwnerUserId { get; set; }
    public long Version { get; set; }

    public OpenDeal.Input ToOpen(int companyId) =>
        new(companyId, Kind, Title, Stage, Value, Currency, Probability, ExpectedCloseOn, Notes, ConsultancyId, OwnerUserId);

    public EditDeal.Input ToEdit(int dealId) =>
        new(dealId, Kind, Title, Value, Currency, Probability, ExpectedCloseOn, Notes, ConsultancyId, OwnerUserId, Version);

    /// <summary>The form filled with the deal as it stands.</summary>
    public static DealForm Of(EditDeal.Current deal) => new()
    {
        CompanyId = deal.CompanyId, Kind = deal.Kind, Title = deal.Title, Currency = deal.Currency,
        Value = deal.Value?.ToString("0.##########", CultureInfo.InvariantCulture),
        Probability = deal.Probability?.ToString(CultureInfo.InvariantCulture),
        ExpectedCloseOn = deal.ExpectedCloseOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Notes = deal.Notes, ConsultancyId = deal.ConsultancyId, OwnerUserId = deal.OwnerUserId, Version = deal.Version,
    };
}

public sealed class MoveDealForm
{
    public DealStage? Stage { get; set; }
    public string? LostReason { get; set; }
    public long Version { get; set; }
    /// <summary>Where to go afterwards (the board with its filters); local addresses only.</summary>
    public string? ReturnUrl { get; set; }

    public MoveDeal.Input ToInput(int dealId) => new(dealId, Stage, LostReason, Version);
}
