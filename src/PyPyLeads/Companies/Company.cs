using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>How a company came to us.</summary>
public enum LeadSource
{
    TourStop = 0,
    Email = 1,
    Referral = 2,
    InvitationPage = 3,
    Other = 4,
}

/// <summary>A company met on the tour or otherwise: a lead for Open End or merlinux.</summary>
public sealed class Company : IVersioned
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary><see cref="Name"/> folded for matching (case, accents, punctuation, legal suffixes); unique among live companies.</summary>
    public required string NameKey { get; set; }
    public string? WebDomain { get; set; }
    /// <summary>The bare host of <see cref="WebDomain"/> (no scheme, www. or path); unique among live companies.</summary>
    public string? DomainKey { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public string? Industry { get; set; }
    public string? Notes { get; set; }
    public LeadSource Source { get; set; }
    public int? SourceTourStopId { get; set; }
    /// <summary>Open End, merlinux, or null while not yet assigned.</summary>
    public int? ConsultancyId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public string? CreatedByUserId { get; set; }
    /// <summary>Soft delete: a deleted company leaves lists and search but keeps its timeline.</summary>
    public DateTime? DeletedAtUtc { get; set; }
    public string? DeletedByUserId { get; set; }
    /// <summary>Set when this company was merged into another one (and so deleted).</summary>
    public int? MergedIntoCompanyId { get; set; }
    public long Version { get; set; }

    public List<Person> People { get; set; } = [];
}

/// <summary>Someone at a company.</summary>
public sealed class Person : IVersioned
{
    public int Id { get; set; }
    public int CompanyId { get; set; }
    public Company? Company { get; set; }
    public required string Name { get; set; }
    public string? Role { get; set; }
    public string? Email { get; set; }
    /// <summary>Lower-cased e-mail; unique per company among live people.</summary>
    public string? EmailKey { get; set; }
    public string? Phone { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? DeletedAtUtc { get; set; }
    public int? MergedIntoPersonId { get; set; }
    public long Version { get; set; }
}
