using PyPyLeads.UseCases;
using System.Globalization;
using FluentValidation;
using Microsoft.Extensions.Options;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.Web.Features.Deals;

/// <summary>
/// The deal form, for a new deal and for an edit. Amounts, probability and date arrive as text so that what was
/// typed is shown back with a clear message. ConsultancyId and OwnerUserId are read from admins only.
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

    public decimal? ParsedValue => Money.TryParseAmount(Value, out var amount) ? amount : null;

    public int? ParsedProbability =>
        int.TryParse(Probability?.Trim().TrimEnd('%').Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    public DateOnly? ParsedExpectedCloseOn =>
        DateOnly.TryParseExact(ExpectedCloseOn?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}

public sealed class DealFormValidator : AbstractValidator<DealForm>
{
    public DealFormValidator(IOptions<ReportingOptions> reporting)
    {
        var currencies = reporting.Value.Currencies;
        RuleFor(x => x.Kind).NotNull().WithMessage("Choose consulting, subcontracting or hiring.")
            .IsInEnum().WithMessage("Choose consulting, subcontracting or hiring.");
        RuleFor(x => x.Title).SingleLine(200);
        RuleFor(x => x.Stage).Must(s => s is null || s.Value.IsOpen()).WithMessage("A new deal starts in an open stage; move it to Won or Lost afterwards.");
        RuleFor(x => x.Currency).NotEmpty().WithMessage("Choose a currency.")
            .Must(c => c is null || currencies.Contains(c)).WithMessage("Choose a currency from the list.");
        RuleFor(x => x.Value).Must(v => v is null || !v.TrimStart().StartsWith('-')).WithMessage("The value cannot be negative.")
            .DependentRules(() =>
            {
                RuleFor(x => x.Value).Must(v => v is null || Money.TryParseAmount(v, out _))
                    .WithMessage("Enter an amount like 12000 or 12000.50.")
                    .DependentRules(() =>
                    {
                        RuleFor(x => x.ParsedValue).Must(v => v is null or <= Deal.MaxValue)
                            .WithMessage($"At most {Deal.MaxValue.ToString("N0", CultureInfo.InvariantCulture)}.").OverridePropertyName(nameof(DealForm.Value));
                        RuleFor(x => x).Must(x => x.ParsedValue is not { } v || x.Currency is null || !Money.IsKnown(x.Currency) || Money.ToMinor(v, x.Currency) is not null)
                            .WithMessage(x => $"{x.Currency} amounts have at most {Money.Decimals(x.Currency!)} decimals.").OverridePropertyName(nameof(DealForm.Value));
                    });
            });
        RuleFor(x => x.Probability).Must(p => p is null || new DealForm { Probability = p }.ParsedProbability is >= 0 and <= 100)
            .WithMessage("Enter a whole number from 0 to 100, or leave it empty for the stage's default.");
        RuleFor(x => x.ExpectedCloseOn).NotEmpty().WithMessage("Enter the date the deal is expected to close.")
            .Must(d => d is null || new DealForm { ExpectedCloseOn = d }.ParsedExpectedCloseOn is { Year: >= 2000 and <= 2100 })
            .WithMessage("Enter a date like 2011-09-30.");
        RuleFor(x => x.Notes).MultiLine(4000);
        RuleFor(x => x.ConsultancyId).Must(id => id is null or Consultancy.OpenEndId or Consultancy.MerlinuxId).WithMessage("Choose Open End or merlinux.");
    }
}

public sealed class MoveDealForm
{
    public DealStage? Stage { get; set; }
    public string? LostReason { get; set; }
    public long Version { get; set; }
    /// <summary>Where to go afterwards (the board with its filters); local addresses only.</summary>
    public string? ReturnUrl { get; set; }
}

public sealed class MoveDealFormValidator : AbstractValidator<MoveDealForm>
{
    public MoveDealFormValidator()
    {
        RuleFor(x => x.Stage).NotNull().WithMessage("Choose a stage.").IsInEnum().WithMessage("Choose a stage.");
        RuleFor(x => x.LostReason).NotEmpty().When(x => x.Stage == DealStage.Lost).WithMessage("Say why the deal was lost.");
        RuleFor(x => x.LostReason).SingleLine(500);
    }
}
