using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Users;

namespace PyPyLeads.Deals;

public enum DealKind
{
    Consulting = 0,
    Subcontracting = 1,
    Hiring = 2,
}

/// <summary>The stages of a deal in pipeline order; Won and Lost close it.</summary>
public enum DealStage
{
    New = 0,
    Qualified = 1,
    Proposal = 2,
    Negotiation = 3,
    Won = 4,
    Lost = 5,
}

public static class DealStages
{
    /// <summary>The board's columns, in order.</summary>
    public static IReadOnlyList<DealStage> Open { get; } = [DealStage.New, DealStage.Qualified, DealStage.Proposal, DealStage.Negotiation];

    public static IReadOnlyList<DealStage> All { get; } = Enum.GetValues<DealStage>();

    public static bool IsOpen(this DealStage stage) => stage is >= DealStage.New and <= DealStage.Negotiation;

    /// <summary>The probability a deal gets on entering a stage unless someone has set its own.</summary>
    public static int DefaultProbability(this DealStage stage) => stage switch
    {
        DealStage.New => 10,
        DealStage.Qualified => 25,
        DealStage.Proposal => 50,
        DealStage.Negotiation => 75,
        DealStage.Won => 100,
        _ => 0,
    };
}

/// <summary>
/// A consulting, subcontracting or hiring deal with a company, taken by Open End or merlinux. Money is kept as
/// whole minor units (cents, öre) of its currency, so sums are exact integer sums on every database.
/// </summary>
public sealed class Deal : IVersioned
{
    /// <summary>Largest value accepted, in major units: keeps 100,000 deals' weighted sums inside a 64-bit integer.</summary>
    public const long MaxValue = 1_000_000_000;

    public int Id { get; set; }
    public int CompanyId { get; set; }
    public Company? Company { get; set; }
    public int ConsultancyId { get; set; }
    public DealKind Kind { get; set; }
    /// <summary>What the deal is about, when a company has several.</summary>
    public string? Title { get; set; }
    public DealStage Stage { get; set; }
    /// <summary>The value in minor units of <see cref="Currency"/>; null while nobody knows it yet.</summary>
    public long? ValueMinor { get; set; }
    /// <summary>ISO 4217 code.</summary>
    public required string Currency { get; set; }
    /// <summary>0–100: the stage's default unless <see cref="ProbabilityOverridden"/>.</summary>
    public int Probability { get; set; }
    public bool ProbabilityOverridden { get; set; }
    public DateOnly ExpectedCloseOn { get; set; }
    public required string OwnerUserId { get; set; }
    public AppUser? Owner { get; set; }
    public string? Notes { get; set; }
    /// <summary>Why the deal was lost; set while the deal is Lost.</summary>
    public string? LostReason { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public required string CreatedByUserId { get; set; }
    public DateTime StageChangedAtUtc { get; set; }
    /// <summary>Last edit or move of this deal (the company's timeline counts as activity too, see stale deals).</summary>
    public DateTime LastActivityAtUtc { get; set; }
    public DateTime? ClosedAtUtc { get; set; }
    public long Version { get; set; }

    public List<DealStageChange> StageChanges { get; set; } = [];

    /// <summary>The value in major units (12000.50), or null.</summary>
    public decimal? Value => ValueMinor is { } minor ? Money.FromMinor(minor, Currency) : null;

    /// <summary>Value × probability, in major units of the deal's currency; exact.</summary>
    public decimal WeightedValue => Money.FromMinor((ValueMinor ?? 0) * Probability, Currency) / 100m;

    /// <summary>Why the deal cannot move to <paramref name="stage"/>, or null when it can: it is there already, or it would be won without a value.</summary>
    public string? WhyNotMoveTo(DealStage stage) =>
        stage == Stage ? $"It is already in {Stage}."
        : stage == DealStage.Won && ValueMinor is null ? "A won deal needs its value: edit the deal and enter it first."
        : null;

    /// <summary>
    /// Moves the deal to another stage (ask <see cref="WhyNotMoveTo"/> first) and returns the history row to add. Won and Lost set 100 % and 0 %;
    /// between open stages a probability someone set by hand is kept, otherwise the new stage's default applies.
    /// </summary>
    public DealStageChange MoveTo(DealStage stage, string? lostReason, DateTime nowUtc, string userId, string userName)
    {
        var change = new DealStageChange
        {
            DealId = Id, FromStage = Stage, ToStage = stage, AtUtc = nowUtc, ByUserId = userId, ByName = userName,
            Reason = stage == DealStage.Lost ? lostReason : null,
        };
        Stage = stage;
        if (!stage.IsOpen() || !ProbabilityOverridden)
        {
            Probability = stage.DefaultProbability();
            ProbabilityOverridden = false;
        }
        LostReason = stage == DealStage.Lost ? lostReason : null;
        ClosedAtUtc = stage.IsOpen() ? null : nowUtc;
        StageChangedAtUtc = nowUtc;
        LastActivityAtUtc = nowUtc;
        StageChanges.Add(change);
        return change;
    }
}

/// <summary>One stage change of a deal (creation has no <see cref="FromStage"/>), with who and when.</summary>
public sealed class DealStageChange
{
    public long Id { get; set; }
    public int DealId { get; set; }
    public DealStage? FromStage { get; set; }
    public DealStage ToStage { get; set; }
    public DateTime AtUtc { get; set; }
    public required string ByUserId { get; set; }
    /// <summary>The display name at the time.</summary>
    public required string ByName { get; set; }
    /// <summary>The reason given for losing the deal.</summary>
    public string? Reason { get; set; }
}
