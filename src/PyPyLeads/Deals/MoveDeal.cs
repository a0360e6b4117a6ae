using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Webhooks;

namespace PyPyLeads.Deals;

/// <summary>
/// Move a deal to another stage (the board's drag, its Move buttons, the deal's page), with a reason when it is lost.
/// Members of the deal's consultancy and admins move it; the move is kept in the deal's stage history and on its
/// company's timeline. Returns <see cref="Done{T}"/> of <see cref="Moved"/>, <see cref="Invalid"/>, <see cref="NotFound"/>,
/// <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Current"/> when the deal changed since the caller saw it.
/// </summary>
public sealed class MoveDeal(LeadsDbContext db, IValidator<MoveDeal.Input> validator, TimeProvider clock, ILogger<MoveDeal> logger)
{
    /// <param name="LostReason">Required for Lost, ignored otherwise.</param>
    /// <param name="Version">The deal's version the caller saw.</param>
    public sealed record Input(int DealId, DealStage? Stage, string? LostReason, long Version);

    public sealed record Moved(int DealId, DealStage From, DealStage To, string Message);

    /// <summary>The deal as it stands after someone else's change.</summary>
    public sealed record Current(DealStage Stage, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.Stage).NotNull().WithMessage("Choose a stage.").IsInEnum().WithMessage("Choose a stage.");
            RuleFor(x => x.LostReason).NotEmpty().When(x => x.Stage == DealStage.Lost).WithMessage("Say why the deal was lost.");
            RuleFor(x => x.LostReason).SingleLine(500);
        }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Outcome>(async ct =>
        {
            var deal = await db.Deals.Include(d => d.Company).SingleOrDefaultAsync(d => d.Id == input.DealId, ct);
            if (deal is null)
            {
                return new NotFound("That deal does not exist.");
            }
            if (!caller.MayChange(deal.ConsultancyId))
            {
                return new NotAllowed($"Only {Consultancy.Describe(deal.ConsultancyId)} members and admins move this deal.");
            }
            if (deal.Version != input.Version)
            {
                return await StaleAsync(deal, input, caller, ct);
            }
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            var to = input.Stage!.Value;
            if (deal.WhyNotMoveTo(to) is { } refusal)
            {
                return new Invalid(nameof(Input.Stage), refusal);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var from = deal.Stage;
            var reason = to == DealStage.Lost ? input.LostReason : null;
            deal.MoveTo(to, reason, now, caller.UserId, caller.Name);
            db.Timeline.Add(TimelineEntry.For(deal.CompanyId, DealTimeline.StageChanged,
                $"{DealText.Capitalised(DealTimeline.Describe(deal))} moved from {from} to {to}", reason, caller.Actor, now, DealTimeline.SubjectType, deal.Id));
            var data = new { dealId = deal.Id, companyId = deal.CompanyId, company = deal.Company!.Name, consultancyId = deal.ConsultancyId,
                from = from.ToString(), to = to.ToString(), lostReason = reason, by = caller.Name };
            await db.RaiseWebhookAsync(WebhookEventTypes.DealStageChanged, data, now, ct);
            if (to is DealStage.Won or DealStage.Lost)
            {
                await db.RaiseWebhookAsync(to == DealStage.Won ? WebhookEventTypes.DealWon : WebhookEventTypes.DealLost, data, now, ct);
            }
            if (await db.SaveUnlessChangedAsync(async ct => await StaleAsync(await db.Deals.AsNoTracking().SingleAsync(d => d.Id == input.DealId, ct), input, caller, ct), ct) is { } stale)
            {
                return stale;
            }
            logger.LogInformation("{User} moved deal {DealId} from {From} to {To}", caller.Name, deal.Id, from, to);
            return new Done<Moved>(new(deal.Id, from, to, $"Deal #{deal.Id} ({deal.Company!.Name}) moved from {from} to {to}."));
        }, cancellationToken);

    private async Task<Conflict<Current>> StaleAsync(Deal current, Input yours, Caller caller, CancellationToken cancellationToken)
    {
        var who = await DealTimeline.LastChangeAsync(db, current, caller.TimeZoneId, cancellationToken);
        return new(new(current.Stage, current.Version),
            $"{who} changed this deal while you were looking: it is now in {current.Stage}. Your move to {yours.Stage} was not made; here is the deal as it is now.");
    }
}
