using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.Time;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.Deals;

/// <summary>
/// Open a deal with a company, in an open stage, with its creation in the deal's stage history and on the company's
/// timeline. A member opens deals on their own consultancy's leads, for that consultancy and owned by themselves
/// (whatever else they send); an admin opens them on any lead, choosing the consultancy (the lead's by default) and
/// the owner (themselves by default). Returns <see cref="Done{T}"/> of <see cref="Opened"/>, <see cref="Invalid"/>,
/// <see cref="NotFound"/> (no such company, or deleted) or <see cref="NotAllowed"/>.
/// </summary>
public sealed class OpenDeal(LeadsDbContext db, IValidator<OpenDeal.Input> validator, TimeProvider clock, SubmissionStore submissions, ILogger<OpenDeal> logger)
{
    /// <param name="Stage">The open stage the deal starts in; null means New.</param>
    /// <param name="ConsultancyId">Read from admins only; null means the lead's.</param>
    /// <param name="OwnerUserId">Read from admins only; null means the caller.</param>
    public sealed record Input(int CompanyId, DealKind? Kind, string? Title, DealStage? Stage, string? Value, string? Currency, string? Probability,
        string? ExpectedCloseOn, string? Notes, int? ConsultancyId, string? OwnerUserId) : IDealFields
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Opened(int DealId, string Message);

    public sealed class Validator : DealFields.Validator<Input>
    {
        public Validator(IOptions<ReportingOptions> reporting, LeadsDbContext db) : base(reporting, db)
        {
            RuleFor(x => x.Stage).Must(s => s is null || s.Value.IsOpen()).WithMessage("A new deal starts in an open stage; move it to Won or Lost afterwards.");
        }
    }

    /// <summary>Why the caller may not open a deal on a lead assigned to <paramref name="leadConsultancyId"/>; null when they may.</summary>
    public static NotAllowed? Refusal(int? leadConsultancyId, Caller caller) =>
        caller.IsAdmin ? null
        : leadConsultancyId is not { } lead ? new NotAllowed("This lead is not assigned yet: an admin assigns it to Open End or merlinux first.")
        : !caller.MayChange(lead) ? new NotAllowed($"This lead is {Consultancy.Describe(lead)}'s: only its members and admins add deals to it.")
        : null;

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(OpenDeal), input.SubmissionKey);
        return submissions.OnceAsync<Opened>(once, () => OpenAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private Task<Outcome> OpenAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken) =>
        submissions.InTransactionAsync<Opened>(once, async ct =>
        {
            var company = await db.Companies.AsNoTracking().Where(c => c.Id == input.CompanyId && c.DeletedAtUtc == null)
                .Select(c => new { c.Id, c.ConsultancyId }).SingleOrDefaultAsync(ct);
            if (company is null)
            {
                return new NotFound("That company does not exist, or it was deleted.");
            }
            if (Refusal(company.ConsultancyId, caller) is { } refusal)
            {
                return refusal;
            }
            input = caller.IsAdmin
                ? input with { ConsultancyId = input.ConsultancyId ?? company.ConsultancyId, OwnerUserId = input.OwnerUserId ?? caller.UserId }
                : input with { ConsultancyId = company.ConsultancyId, OwnerUserId = caller.UserId };
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            // "Today" is the caller's: a deal opened in the evening in California is opened on that day.
            var today = Zones.Today(clock, caller.TimeZoneId);
            if (input.ParsedExpectedCloseOn() < today)
            {
                return new Invalid(nameof(Input.ExpectedCloseOn), $"The expected close cannot be before the deal is created ({DealText.Date(today)}).");
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var stage = input.Stage ?? DealStage.New;
            var probability = input.ParsedProbability();
            var deal = new Deal
            {
                CompanyId = company.Id, ConsultancyId = input.ConsultancyId!.Value, Kind = input.Kind!.Value, Title = input.Title, Stage = stage,
                Currency = input.Currency!, ValueMinor = input.ValueMinor(),
                Probability = probability ?? stage.DefaultProbability(), ProbabilityOverridden = probability is not null,
                ExpectedCloseOn = input.ParsedExpectedCloseOn()!.Value, OwnerUserId = input.OwnerUserId!, Notes = input.Notes,
                CreatedAtUtc = now, CreatedByUserId = caller.UserId, StageChangedAtUtc = now, LastActivityAtUtc = now,
                StageChanges = [new DealStageChange { FromStage = null, ToStage = stage, AtUtc = now, ByUserId = caller.UserId, ByName = caller.Name }],
            };
            db.Deals.Add(deal);
            // The timeline line names the deal's id, which this first save assigns.
            await db.SaveChangesAsync(ct);
            db.Timeline.Add(TimelineEntry.For(company.Id, DealTimeline.Created,
                $"New {DealTimeline.Describe(deal)} for {Consultancy.Describe(deal.ConsultancyId)}: {DealText.Value(deal.ValueMinor, deal.Currency)}, {stage}, expected to close {DealText.Date(deal.ExpectedCloseOn)}",
                deal.Notes, caller.Actor, now, DealTimeline.SubjectType, deal.Id));
            await db.SaveChangesAsync(ct);
            logger.LogInformation("{User} created deal {DealId} for company {CompanyId}", caller.Name, deal.Id, company.Id);
            return new Done<Opened>(new(deal.Id, $"Deal #{deal.Id} created."));
        }, cancellationToken);
}
