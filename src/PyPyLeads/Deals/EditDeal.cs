using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.Deals;

/// <summary>
/// Edit a deal's facts (not its stage, which <see cref="MoveDeal"/> changes, nor its company), with what changed on
/// the company's timeline. Members of the deal's consultancy and admins edit it; only admins move it to the other
/// consultancy or give it another owner (what a member sends for those is ignored). Returns <see cref="Done{T}"/> of
/// <see cref="Saved"/> (also when nothing changed, and then nothing is written), <see cref="Invalid"/>,
/// <see cref="NotFound"/>, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Current"/> when the
/// deal changed since the caller saw it.
/// </summary>
public sealed class EditDeal(LeadsDbContext db, IValidator<EditDeal.Input> validator, TimeProvider clock, ILogger<EditDeal> logger)
{
    /// <param name="ConsultancyId">Read from admins only; null keeps it.</param>
    /// <param name="OwnerUserId">Read from admins only; null keeps it.</param>
    /// <param name="Version">The deal's version the caller saw.</param>
    public sealed record Input(int DealId, DealKind? Kind, string? Title, string? Value, string? Currency, string? Probability,
        string? ExpectedCloseOn, string? Notes, int? ConsultancyId, string? OwnerUserId, long Version) : IDealFields;

    public sealed record Saved(int DealId, string Message);

    /// <summary>The deal as it stands (after someone else's change): what its form shows.</summary>
    /// <param name="Probability">Null when it is the stage's default.</param>
    public sealed record Current(int DealId, int CompanyId, DealStage Stage, DealKind Kind, string? Title, decimal? Value, string Currency, int? Probability,
        DateOnly ExpectedCloseOn, string? Notes, int ConsultancyId, string OwnerUserId, long Version)
    {
        public static Current Of(Deal deal) => new(deal.Id, deal.CompanyId, deal.Stage, deal.Kind, deal.Title, deal.Value, deal.Currency,
            deal.ProbabilityOverridden ? deal.Probability : null, deal.ExpectedCloseOn, deal.Notes, deal.ConsultancyId, deal.OwnerUserId, deal.Version);
    }

    public sealed class Validator : DealFields.Validator<Input>
    {
        private readonly LeadsDbContext _db;

        public Validator(IOptions<ReportingOptions> reporting, LeadsDbContext db) : base(reporting, db) => _db = db;

        // An owner who no longer could be chosen (they left the consultancy) stays until an admin hands the deal on.
        protected override Task<bool> OwnerStaysAsync(Input fields, CancellationToken cancellationToken) =>
            _db.Deals.AnyAsync(d => d.Id == fields.DealId && d.OwnerUserId == fields.OwnerUserId && d.ConsultancyId == fields.ConsultancyId, cancellationToken);
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Outcome>(async ct =>
        {
            var deal = await db.Deals.SingleOrDefaultAsync(d => d.Id == input.DealId, ct);
            if (deal is null)
            {
                return new NotFound("That deal does not exist.");
            }
            if (!caller.MayChange(deal.ConsultancyId))
            {
                return new NotAllowed($"Only {Consultancy.Describe(deal.ConsultancyId)} members and admins edit this deal.");
            }
            input = caller.IsAdmin
                ? input with { ConsultancyId = input.ConsultancyId ?? deal.ConsultancyId, OwnerUserId = input.OwnerUserId ?? deal.OwnerUserId }
                : input with { ConsultancyId = deal.ConsultancyId, OwnerUserId = deal.OwnerUserId };
            if (deal.Version != input.Version)
            {
                return await StaleAsync(deal, caller, ct);
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            var closeOn = input.ParsedExpectedCloseOn()!.Value;
            var createdOn = DateOnly.FromDateTime(Zones.ToLocal(deal.CreatedAtUtc, caller.TimeZoneId));
            // A date left as it is passed this rule when it was set (or came in from an import): it is not held to it again.
            if (closeOn != deal.ExpectedCloseOn && closeOn < createdOn)
            {
                return new Invalid(nameof(Input.ExpectedCloseOn), $"The expected close cannot be before the deal was created ({DealText.Date(createdOn)}).");
            }
            if (deal.Stage == DealStage.Won && input.ParsedValue() is null)
            {
                return new Invalid(nameof(Input.Value), "A won deal needs its value.");
            }

            var names = await OwnerNamesAsync(deal.OwnerUserId, input.OwnerUserId!, ct);
            var before = Snapshot(deal, names);
            var probability = input.ParsedProbability();
            deal.Kind = input.Kind!.Value;
            deal.Title = input.Title;
            deal.Currency = input.Currency!;
            deal.ValueMinor = input.ValueMinor();
            deal.ExpectedCloseOn = closeOn;
            deal.Notes = input.Notes;
            deal.ConsultancyId = input.ConsultancyId!.Value;
            deal.OwnerUserId = input.OwnerUserId!;
            if (deal.Stage.IsOpen())
            {
                deal.Probability = probability ?? deal.Stage.DefaultProbability();
                deal.ProbabilityOverridden = probability is not null;
            }
            var after = Snapshot(deal, names);
            var changes = before.Keys.Where(k => before[k] != after[k]).Select(k => $"{k}: {before[k]} → {after[k]}").ToList();
            if (changes.Count == 0)
            {
                return new Done<Saved>(new(deal.Id, "Nothing changed."));
            }
            var now = clock.GetUtcNow().UtcDateTime;
            deal.LastActivityAtUtc = now;
            var summary = before["Consultancy"] != after["Consultancy"]
                ? $"{DealText.Capitalised(DealTimeline.Describe(deal))} moved from {before["Consultancy"]} to {after["Consultancy"]}"
                : $"{DealText.Capitalised(DealTimeline.Describe(deal))} edited";
            db.Timeline.Add(TimelineEntry.For(deal.CompanyId, DealTimeline.Edited, summary, string.Join("\n", changes), caller.Actor, now,
                DealTimeline.SubjectType, deal.Id));
            if (await db.SaveUnlessChangedAsync(async ct => await StaleAsync(await db.Deals.AsNoTracking().SingleAsync(d => d.Id == input.DealId, ct), caller, ct), ct) is { } stale)
            {
                return stale;
            }
            logger.LogInformation("{User} edited deal {DealId}: {Changes}", caller.Name, deal.Id, string.Join("; ", changes));
            return new Done<Saved>(new(deal.Id, $"Deal #{deal.Id} saved."));
        }, cancellationToken);

    private async Task<Conflict<Current>> StaleAsync(Deal current, Caller caller, CancellationToken cancellationToken)
    {
        var who = await DealTimeline.LastChangeAsync(db, current, caller.TimeZoneId, cancellationToken);
        return new(Current.Of(current),
            $"{who} changed this deal while you were editing. Your changes were not saved: the form shows the deal as it is now, and your entries are listed below.");
    }

    private async Task<Dictionary<string, string>> OwnerNamesAsync(string before, string after, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.Id == before || u.Id == after).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);

    /// <summary>The facts the timeline line compares, as people read them.</summary>
    private static Dictionary<string, string> Snapshot(Deal deal, IReadOnlyDictionary<string, string> ownerNames) => new()
    {
        ["Kind"] = deal.Kind.ToString(),
        ["Title"] = deal.Title ?? "(none)",
        ["Value"] = DealText.Value(deal.ValueMinor, deal.Currency),
        ["Probability"] = deal.Probability.ToString(CultureInfo.InvariantCulture) + " %" + (deal.ProbabilityOverridden ? "" : " (stage default)"),
        ["Expected close"] = DealText.Date(deal.ExpectedCloseOn),
        ["Notes"] = deal.Notes ?? "(none)",
        ["Consultancy"] = Consultancy.Describe(deal.ConsultancyId),
        ["Owner"] = ownerNames.GetValueOrDefault(deal.OwnerUserId, deal.OwnerUserId),
    };
}
