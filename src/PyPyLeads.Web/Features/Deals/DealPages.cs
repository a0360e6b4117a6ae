using Microsoft.AspNetCore.Mvc;
using PyPyLeads.Deals;

namespace PyPyLeads.Web.Features.Deals;

/// <summary>The board's and lists' filters, from the query string.</summary>
public class DealFilter
{
    [FromQuery(Name = "consultancy")]
    public int? Consultancy { get; set; }

    [FromQuery(Name = "kind")]
    public DealKind? Kind { get; set; }

    [FromQuery(Name = "owner")]
    public string? Owner { get; set; }

    public IQueryable<Deal> Apply(IQueryable<Deal> deals)
    {
        if (Consultancy is { } consultancy)
        {
            deals = deals.Where(d => d.ConsultancyId == consultancy);
        }
        if (Kind is { } kind)
        {
            deals = deals.Where(d => d.Kind == kind);
        }
        if (!string.IsNullOrEmpty(Owner))
        {
            deals = deals.Where(d => d.OwnerUserId == Owner);
        }
        return deals;
    }

    /// <summary>The filter as a query string ("?consultancy=1&amp;kind=Hiring"), for links that keep it.</summary>
    public string Query(params (string Key, string? Value)[] extra)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("consultancy", Consultancy?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("kind", Kind?.ToString());
        Add("owner", Owner);
        foreach (var (key, value) in extra)
        {
            Add(key, value);
        }
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}

public sealed class DealListFilter : DealFilter
{
    [FromQuery(Name = "stage")]
    public DealStage? Stage { get; set; }

    /// <summary>"after-end": open deals expected to close after the Eurostars end.</summary>
    [FromQuery(Name = "closing")]
    public string? Closing { get; set; }

    [FromQuery(Name = "stale")]
    public bool Stale { get; set; }

    [FromQuery(Name = "page")]
    public int Page { get; set; } = 1;
}

public sealed record DealCard(int Id, string Company, string? Title, DealKind Kind, DealStage Stage, long? ValueMinor, string Currency, int Probability,
    DateOnly ExpectedCloseOn, string Owner, int ConsultancyId, long Version);

public sealed record BoardColumn(DealStage Stage, int Count, decimal Weighted, decimal Value, int Unconverted, IReadOnlyList<DealCard> Cards);

public sealed record OwnerChoice(string Id, string Name, int? ConsultancyId, bool IsAdmin);

public sealed record BoardPage(DealFilter Filter, IReadOnlyList<BoardColumn> Columns, IReadOnlyList<OwnerChoice> Owners, Viewer Viewer,
    string Currency, int Limit, DateOnly EurostarsEndsOn, string ReturnUrl);

public sealed record DealListPage(DealListFilter Filter, string Heading, IReadOnlyList<DealCard> Rows, int Total, int Page, int PageCount,
    IReadOnlyList<OwnerChoice> Owners, Viewer Viewer, DateOnly EurostarsEndsOn);

public sealed record DealView(int Id, int CompanyId, string Company, int? CompanyConsultancyId, string? Title, DealKind Kind, DealStage Stage,
    long? ValueMinor, string Currency, int Probability, bool ProbabilityOverridden, DateOnly ExpectedCloseOn, string Owner, int ConsultancyId,
    string? Notes, string? LostReason, string Created, string LastActivity, long Version, decimal Weighted);

public sealed record HistoryLine(string When, string Who, DealStage? From, DealStage To, string? Reason);

public sealed record DealPage(DealView Deal, IReadOnlyList<HistoryLine> History, bool CanEdit, MoveDealForm Move, string? Conflict,
    DateOnly EurostarsEndsOn);

/// <summary>The new/edit form page. <see cref="Refusal"/> explains why no form is offered.</summary>
public sealed record DealFormPage(int? DealId, int CompanyId, string Company, int? CompanyConsultancyId, DealForm Form, Viewer Viewer,
    IReadOnlyList<string> Currencies, IReadOnlyList<OwnerChoice> Owners, string? OwnerName, DealStage? Stage, string? Refusal, string? Conflict,
    IReadOnlyList<(string Field, string Yours, string Current)> YourEntries);
