using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.Deals;

/// <summary>
/// The fields of a deal that opening and editing share. Amount, probability and date are the text as typed, so that a
/// page can show back what was typed beside its message; <see cref="DealFields"/> reads them.
/// </summary>
public interface IDealFields
{
    DealKind? Kind { get; }
    string? Title { get; }
    /// <summary>"12000", "12,000.50": see <see cref="Money.TryParseAmount"/>; empty while nobody knows it.</summary>
    string? Value { get; }
    string? Currency { get; }
    /// <summary>A whole number from 0 to 100 ("35" or "35 %"); empty means the stage's default.</summary>
    string? Probability { get; }
    /// <summary>yyyy-MM-dd.</summary>
    string? ExpectedCloseOn { get; }
    string? Notes { get; }
    int? ConsultancyId { get; }
    string? OwnerUserId { get; }
}

/// <summary>Reads a deal's typed fields; null when empty or unreadable (the validator says which).</summary>
public static class DealFields
{
    public static decimal? ParsedValue(this IDealFields fields) => Money.TryParseAmount(fields.Value, out var amount) ? amount : null;

    public static long? ValueMinor(this IDealFields fields) => fields.ParsedValue() is { } v ? Money.ToMinor(v, fields.Currency!) : null;

    public static int? ParsedProbability(this IDealFields fields) => ReadProbability(fields.Probability);

    public static DateOnly? ParsedExpectedCloseOn(this IDealFields fields) => ReadDate(fields.ExpectedCloseOn);

    private static int? ReadProbability(string? text) =>
        int.TryParse(text?.Trim().TrimEnd('%').Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    private static DateOnly? ReadDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>
    /// The rules of a deal's fields, for <see cref="OpenDeal"/> and <see cref="EditDeal"/>: kind, text lengths, a
    /// currency with a rate, a value the currency can hold, a probability, a plausible date, a consultancy, and an owner
    /// who may edit the deal (its consultancy's member or an admin).
    /// </summary>
    public abstract class Validator<T> : AbstractValidator<T> where T : IDealFields
    {
        protected Validator(IOptions<ReportingOptions> reporting, LeadsDbContext db)
        {
            var currencies = reporting.Value.Currencies;
            RuleFor(x => x.Kind).NotNull().WithMessage("Choose consulting, subcontracting or hiring.")
                .IsInEnum().WithMessage("Choose consulting, subcontracting or hiring.");
            RuleFor(x => x.Title).SingleLine(200);
            RuleFor(x => x.Currency).NotEmpty().WithMessage("Choose a currency.")
                .Must(c => c is null || currencies.Contains(c)).WithMessage("Choose a currency from the list.");
            RuleFor(x => x.Value).Must(v => v is null || !v.TrimStart().StartsWith('-')).WithMessage("The value cannot be negative.")
                .DependentRules(() =>
                {
                    RuleFor(x => x.Value).Must(v => string.IsNullOrWhiteSpace(v) || Money.TryParseAmount(v, out _))
                        .WithMessage("Enter an amount like 12000 or 12000.50.")
                        .DependentRules(() =>
                        {
                            RuleFor(x => x.ParsedValue()).Must(v => v is null or <= Deal.MaxValue)
                                .WithMessage($"At most {Deal.MaxValue.ToString("N0", CultureInfo.InvariantCulture)}.").OverridePropertyName(nameof(IDealFields.Value));
                            RuleFor(x => x).Must(x => x.ParsedValue() is not { } v || x.Currency is null || !Money.IsKnown(x.Currency) || Money.ToMinor(v, x.Currency) is not null)
                                .WithMessage(x => $"{x.Currency} amounts have at most {Money.Decimals(x.Currency!)} decimals.").OverridePropertyName(nameof(IDealFields.Value));
                        });
                });
            RuleFor(x => x.Probability).Must(p => string.IsNullOrWhiteSpace(p) || ReadProbability(p) is >= 0 and <= 100)
                .WithMessage("Enter a whole number from 0 to 100, or leave it empty for the stage's default.");
            RuleFor(x => x.ExpectedCloseOn).NotEmpty().WithMessage("Enter the date the deal is expected to close.")
                .Must(d => d is null || ReadDate(d) is { Year: >= 2000 and <= 2100 })
                .WithMessage("Enter a date like 2011-09-30.");
            RuleFor(x => x.Notes).MultiLine(4000);
            RuleFor(x => x.ConsultancyId).NotNull().WithMessage("This lead is not assigned yet: choose Open End or merlinux.")
                .Must(id => id is null or Consultancy.OpenEndId or Consultancy.MerlinuxId).WithMessage("Choose Open End or merlinux.");
            RuleFor(x => x.OwnerUserId)
                .MustAsync(async (fields, owner, ct) => await OwnerStaysAsync(fields, ct) || await MayOwnAsync(db, owner, fields.ConsultancyId!.Value, ct))
                .When(x => x.ConsultancyId is Consultancy.OpenEndId or Consultancy.MerlinuxId)
                .WithMessage(x => $"Choose an owner from {Consultancy.Describe(x.ConsultancyId)} or an admin.");
        }

        /// <summary>True when the owner is left as it is (an existing deal's owner is not held to the rule again).</summary>
        protected virtual Task<bool> OwnerStaysAsync(T fields, CancellationToken cancellationToken) => Task.FromResult(false);

        /// <summary>Who may own a deal of a consultancy: its members and admins (those who may edit it).</summary>
        private static async Task<bool> MayOwnAsync(LeadsDbContext db, string? userId, int consultancyId, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(userId))
            {
                return false;
            }
            var adminIds = from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == Roles.Admin select ur.UserId;
            return await db.Users.AnyAsync(u => u.Id == userId && (u.ConsultancyId == consultancyId || adminIds.Contains(u.Id)), cancellationToken);
        }
    }
}
