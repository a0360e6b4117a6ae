using FluentValidation;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;
using PyPyLeads.Webhooks;

namespace PyPyLeads.Companies;

/// <summary>
/// Add a company by itself (the Companies page's "New company"), with the duplicate rules of log-a-contact
/// (<see cref="CompanyMatching"/>): a live company with the same normalised name or web domain is offered instead, and
/// the unique keys in the database hold the same line when two people add it at once. Any signed-in user may; it starts
/// unassigned, for the coordinators to hand to a consultancy (<see cref="Leads.AssignLead"/>).
/// Returns <see cref="Done{T}"/> of <see cref="Created"/>, <see cref="Invalid"/>, or <see cref="DuplicatesFound{T}"/> of
/// <see cref="CompanyMatch"/> (the field is Name or WebDomain).
/// </summary>
public sealed class CreateCompany(LeadsDbContext db, IValidator<CreateCompany.Input> validator, TimeProvider clock, ILogger<CreateCompany> logger,
    SubmissionStore submissions)
{
    public sealed record Input(string? Name, string? WebDomain, string? City, string? Country, string? Industry, string? Notes,
        LeadSource? Source, int? SourceTourStopId) : ICompanyFields
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Created(int CompanyId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            Include(new CompanyFieldRules<Input>(db));
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(CreateCompany), input.SubmissionKey);
        return submissions.OnceAsync<Created>(once, () => CreateAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> CreateAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var name = input.Name!.Trim();
        var source = input.Source!.Value;
        return await submissions.InTransactionAsync<Created>(once, async ct =>
        {
            if (await CompanyMatching.FindAsync(db, input.Name, input.WebDomain, cancellationToken: ct) is { Count: > 0 } matches)
            {
                return AlreadyHere(matches);
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var company = new Company
            {
                Name = name, NameKey = CompanyKeys.Name(name),
                WebDomain = CompanyRules.Clean(input.WebDomain), DomainKey = CompanyKeys.Domain(input.WebDomain),
                City = CompanyRules.Clean(input.City), Country = CompanyRules.Clean(input.Country), Industry = CompanyRules.Clean(input.Industry),
                Notes = CompanyRules.Clean(input.Notes), Source = source,
                // The tour stop only means something for a company met at one.
                SourceTourStopId = source == LeadSource.TourStop ? input.SourceTourStopId : null,
                CreatedAtUtc = now, CreatedByUserId = caller.UserId,
            };
            db.Companies.Add(company);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Someone saved the same company between the check above and the save: offer theirs.
                db.ChangeTracker.Clear();
                logger.LogInformation("New company lost a race for {Company}; offering the company saved meanwhile", name);
                return AlreadyHere(await CompanyMatching.FindAsync(db, input.Name, input.WebDomain, cancellationToken: ct));
            }
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.CompanyCreated, $"{caller.Name} added this company",
                "From the Companies page.", caller.Actor, now, "Company", company.Id));
            await db.RaiseWebhookAsync(WebhookEventTypes.CompanyCreated, WebhookPayloads.CompanyCreated(company, caller.Name), now, ct);
            await db.SaveChangesAsync(ct);
            await SearchIndex.RefreshAsync(db, [company.Id], ct);
            return new Done<Created>(new(company.Id, $"Added {company.Name}."));
        }, cancellationToken);
    }

    private static DuplicatesFound<CompanyMatch> AlreadyHere(IReadOnlyList<CompanyMatch> matches)
    {
        var byName = matches.Count == 0 || matches.Any(m => m.ByName);
        return new DuplicatesFound<CompanyMatch>(matches, byName ? nameof(Input.Name) : nameof(Input.WebDomain), matches.Count == 1
            ? $"“{matches[0].Name}” is already here ({matches[0].Reason}). Open it, or change the {(byName ? "name" : "web domain")}."
            : "These companies are already here. Open one of them, or change the name and web domain.");
    }
}
