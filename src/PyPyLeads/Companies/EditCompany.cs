using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Edit a company's details: admins, and members when it is their consultancy's or not yet assigned
/// (<see cref="CompanyAccess"/>; the assignment itself is changed by <see cref="Leads.AssignLead"/>, never here). Each changed field goes on the timeline, from
/// what to what. A save over a version the caller did not see is refused, and so is a name or web domain that
/// another live company already has (merge the two instead).
/// Returns <see cref="Done{T}"/> of <see cref="Saved"/> (also when nothing changed), <see cref="Invalid"/>,
/// <see cref="NotFound"/>, <see cref="NotAllowed"/>, <see cref="DuplicatesFound{T}"/> of <see cref="CompanyMatch"/> (the field is Name or
/// WebDomain), or <see cref="Conflict{T}"/> of <see cref="Current"/> when someone saved it since the form was shown.
/// </summary>
public sealed class EditCompany(LeadsDbContext db, IValidator<EditCompany.Input> validator, TimeProvider clock)
{
    /// <param name="Version">The company's version the caller saw.</param>
    public sealed record Input(int CompanyId, string? Name, string? WebDomain, string? City, string? Country, string? Industry, string? Notes,
        LeadSource? Source, int? SourceTourStopId, long Version) : ICompanyFields;

    public sealed record Saved(int CompanyId, string Message);

    /// <summary>The company as someone else saved it meanwhile, and who (the last editor's display name, if known).</summary>
    public sealed record Current(string Name, string? WebDomain, string? City, string? Country, string? Industry, string? Notes,
        LeadSource Source, int? SourceTourStopId, long Version, string? EditedBy);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            Include(new CompanyFieldRules<Input>(db));
        }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        // Refused before the form is judged, and again in the transaction below, where it counts.
        if (await CompanyAccess.RefusalAsync(db, input.CompanyId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var name = input.Name!.Trim();
        var source = input.Source!.Value;
        // The tour stop only means something for a company met at one.
        int? sourceStop = source == LeadSource.TourStop ? input.SourceTourStopId : null;
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var company = await db.Companies.SingleOrDefaultAsync(c => c.Id == input.CompanyId && c.DeletedAtUtc == null, ct);
            if (company is null)
            {
                return new NotFound(CompanyAccess.Gone);
            }
            if (CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId) is { } notAllowed)
            {
                return notAllowed;
            }
            if (company.Version != input.Version)
            {
                return await StaleAsync(company, ct);
            }
            var duplicates = await CompanyMatching.FindAsync(db, input.Name, input.WebDomain, exceptId: company.Id, ct);
            if (duplicates.Count > 0)
            {
                var byName = duplicates.Any(d => d.ByName);
                return new DuplicatesFound<CompanyMatch>(duplicates, byName ? nameof(Input.Name) : nameof(Input.WebDomain),
                    $"Another company, “{duplicates[0].Name}”, has the {(byName ? "same name" : "same web domain")}. Merge the two instead.");
            }

            var stops = await db.TourStops.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
            var changes = CompanyTimeline.Changes(
                ("Name", company.Name, name),
                ("Web domain", company.WebDomain, CompanyRules.Clean(input.WebDomain)),
                ("City", company.City, CompanyRules.Clean(input.City)),
                ("Country", company.Country, CompanyRules.Clean(input.Country)),
                ("Industry", company.Industry, CompanyRules.Clean(input.Industry)),
                ("Notes", company.Notes, CompanyRules.Clean(input.Notes)),
                ("Source", LeadSources.Label(company.Source), LeadSources.Label(source)),
                ("Tour stop", company.SourceTourStopId is { } s1 ? stops.GetValueOrDefault(s1) : null, sourceStop is { } s2 ? stops.GetValueOrDefault(s2) : null));
            if (changes.Count == 0)
            {
                return new Done<Saved>(new(company.Id, "Nothing changed."));
            }
            company.Name = name;
            company.NameKey = CompanyKeys.Name(name);
            company.WebDomain = CompanyRules.Clean(input.WebDomain);
            company.DomainKey = CompanyKeys.Domain(company.WebDomain);
            company.City = CompanyRules.Clean(input.City);
            company.Country = CompanyRules.Clean(input.Country);
            company.Industry = CompanyRules.Clean(input.Industry);
            company.Notes = CompanyRules.Clean(input.Notes);
            company.Source = source;
            company.SourceTourStopId = sourceStop;
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.CompanyEdited,
                $"{caller.Name} changed {CompanyTimeline.ListFields(changes)}", CompanyTimeline.Describe(changes), caller.Actor,
                clock.GetUtcNow().UtcDateTime, "Company", company.Id));
            try
            {
                if (await db.SaveUnlessChangedAsync(async ct => await StaleAsync(await db.Companies.AsNoTracking().SingleAsync(c => c.Id == input.CompanyId, ct), ct), ct) is { } stale)
                {
                    return stale;
                }
            }
            catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Another company took the name or domain between the check above and the save.
                db.ChangeTracker.Clear();
                return new DuplicatesFound<CompanyMatch>(await CompanyMatching.FindAsync(db, input.Name, input.WebDomain, exceptId: input.CompanyId, ct),
                    nameof(Input.Name), "Someone else has just saved another company with this name or web domain. Merge the two instead.");
            }
            await SearchIndex.RefreshAsync(db, [company.Id], ct);
            return new Done<Saved>(new(company.Id, $"Saved: {CompanyTimeline.ListFields(changes)} changed."));
        }, cancellationToken);
    }

    private async Task<Conflict<Current>> StaleAsync(Company company, CancellationToken cancellationToken)
    {
        var by = await db.Timeline.AsNoTracking().Where(t => t.CompanyId == company.Id && t.Kind == CompanyTimeline.CompanyEdited)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Select(t => t.ActorName).FirstOrDefaultAsync(cancellationToken);
        return new(new(company.Name, company.WebDomain, company.City, company.Country, company.Industry, company.Notes, company.Source,
                company.SourceTourStopId, company.Version, by),
            $"{by ?? "Someone else"} saved this company while you were editing it, so your changes were not saved.");
    }
}
