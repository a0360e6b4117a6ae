using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.Leads;

/// <summary>
/// Assign a lead: hand a company to Open End or merlinux, move it to the other, or take it back, always with a reason
/// that goes on the company's timeline. Only admins (the coordinators) assign.
/// Returns <see cref="Done{T}"/> of <see cref="Assigned"/>, <see cref="Invalid"/>, <see cref="NotFound"/>,
/// <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Current"/> when the company changed since the form was shown.
/// </summary>
public sealed class AssignLead(LeadsDbContext db, IValidator<AssignLead.Input> validator, TimeProvider clock, ILogger<AssignLead> logger)
{
    /// <param name="ConsultancyId">Open End, merlinux, or null for "not assigned".</param>
    /// <param name="Version">The company's version the caller saw.</param>
    public sealed record Input(int CompanyId, int? ConsultancyId, string? Reason, long Version);

    public sealed record Assigned(int CompanyId, string Message);

    /// <summary>The company as it stands after someone else's change.</summary>
    public sealed record Current(int? ConsultancyId, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.ConsultancyId).Must(id => id is null or Consultancy.OpenEndId or Consultancy.MerlinuxId)
                .WithMessage("Choose Open End, merlinux or not assigned.");
            RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why: it goes on the company's timeline.").SingleLine(500);
        }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins assign leads.");
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var company = await db.Companies.SingleOrDefaultAsync(c => c.Id == input.CompanyId && c.DeletedAtUtc == null, ct);
            if (company is null)
            {
                return new NotFound("That company does not exist, or it was deleted.");
            }
            if (company.Version != input.Version)
            {
                return Stale(company);
            }
            if (company.ConsultancyId == input.ConsultancyId)
            {
                return new Invalid(nameof(Input.ConsultancyId), company.ConsultancyId is null
                    ? "It is not assigned already."
                    : $"It is already assigned to {Consultancy.Describe(company.ConsultancyId)}.");
            }

            var from = company.ConsultancyId;
            company.ConsultancyId = input.ConsultancyId;
            var summary = (from, input.ConsultancyId) switch
            {
                (null, { } to) => $"Assigned to {Consultancy.Describe(to)}",
                ({ } was, null) => $"Unassigned (was {Consultancy.Describe(was)})",
                _ => $"Reassigned from {Consultancy.Describe(from)} to {Consultancy.Describe(input.ConsultancyId)}",
            };
            db.Timeline.Add(TimelineEntry.For(company.Id, DealTimeline.Assigned, summary, input.Reason, caller.Actor,
                clock.GetUtcNow().UtcDateTime, DealTimeline.CompanySubjectType, company.Id));
            if (await db.SaveUnlessChangedAsync(async ct => Stale(await db.Companies.AsNoTracking().SingleAsync(c => c.Id == input.CompanyId, ct)), ct) is { } stale)
            {
                return stale;
            }
            logger.LogInformation("{User} {Summary} company {CompanyId}", caller.Name, summary, company.Id);
            return new Done<Assigned>(new(company.Id, $"{company.Name}: {summary}."));
        }, cancellationToken);
    }

    private static Conflict<Current> Stale(Company company) => new(new(company.ConsultancyId, company.Version),
        $"Someone changed this company while you were looking: it is now {Consultancy.Describe(company.ConsultancyId)}. Nothing was saved; check and send again.");
}
