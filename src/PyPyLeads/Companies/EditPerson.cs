using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Edit a person's details: admins, and members at their consultancy's or unassigned companies (<see cref="CompanyAccess"/>). Each changed field goes on the company's timeline; a save
/// over a version the caller did not see is refused, and so is an e-mail address another live person at the same
/// company has (merge the two instead).
/// Returns <see cref="Done{T}"/> of <see cref="Saved"/> (also when nothing changed), <see cref="Invalid"/>,
/// <see cref="NotFound"/>, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Current"/> when someone saved them since the form was shown.
/// </summary>
public sealed class EditPerson(LeadsDbContext db, IValidator<EditPerson.Input> validator, TimeProvider clock)
{
    /// <param name="Version">The person's version the caller saw.</param>
    public sealed record Input(int PersonId, string? Name, string? Role, string? Email, string? Phone, long Version) : IPersonFields;

    public sealed record Saved(int PersonId, int CompanyId, string Message);

    /// <summary>The person as someone else saved them meanwhile, and who (the last editor's display name, if known).</summary>
    public sealed record Current(int CompanyId, string Name, string? Role, string? Email, string? Phone, long Version, string? EditedBy);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            Include(new PersonFieldsValidator());
            RuleFor(x => x.Email).CustomAsync(async (email, context, ct) =>
            {
                if (CompanyKeys.Email(email) is not { } emailKey || context.InstanceToValidate is not { } input)
                {
                    return;
                }
                var same = await db.People
                    .Where(p => p.Id != input.PersonId && p.DeletedAtUtc == null && p.EmailKey == emailKey
                                && db.People.Any(me => me.Id == input.PersonId && me.CompanyId == p.CompanyId))
                    .Select(p => p.Name).FirstOrDefaultAsync(ct);
                if (same is not null)
                {
                    context.AddFailure($"{same} has this e-mail address at the same company. Merge the two instead.");
                }
            }).When(x => CompanyRules.IsEmail(x.Email));
        }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        // A merged or removed person is not found whatever was typed (checked again in the transaction below).
        if (await db.People.Where(p => p.Id == input.PersonId && p.DeletedAtUtc == null).Select(p => (int?)p.CompanyId).SingleOrDefaultAsync(cancellationToken) is not { } companyId)
        {
            return new NotFound("That person does not exist, or was removed or merged.");
        }
        if (await CompanyAccess.RefusalAsync(db, companyId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        try
        {
            return await db.InTransactionAsync<Outcome>(async ct =>
            {
                var person = await db.People.SingleOrDefaultAsync(p => p.Id == input.PersonId && p.DeletedAtUtc == null, ct);
                if (person is null)
                {
                    return new NotFound("That person does not exist, or was removed or merged.");
                }
                if (await CompanyAccess.RefusalAsync(db, person.CompanyId, caller, ct) is { } refusedNow)
                {
                    return refusedNow;
                }
                if (person.Version != input.Version)
                {
                    return await StaleAsync(person, ct);
                }
                var changes = CompanyTimeline.Changes(
                    ("Name", person.Name, input.Name!.Trim()),
                    ("Role", person.Role, CompanyRules.Clean(input.Role)),
                    ("E-mail", person.Email, CompanyRules.Clean(input.Email)),
                    ("Phone", person.Phone, CompanyRules.Clean(input.Phone)));
                if (changes.Count == 0)
                {
                    return new Done<Saved>(new(person.Id, person.CompanyId, "Nothing changed."));
                }
                var oldName = person.Name;
                person.Name = input.Name!.Trim();
                person.Role = CompanyRules.Clean(input.Role);
                person.Email = CompanyRules.Clean(input.Email);
                person.EmailKey = CompanyKeys.Email(input.Email);
                person.Phone = CompanyRules.Clean(input.Phone);
                db.Timeline.Add(TimelineEntry.For(person.CompanyId, CompanyTimeline.PersonEdited,
                    $"{caller.Name} changed {CompanyTimeline.ListFields(changes)} of {oldName}", CompanyTimeline.Describe(changes), caller.Actor,
                    clock.GetUtcNow().UtcDateTime, "Person", person.Id));
                if (await db.SaveUnlessChangedAsync(async ct => await StaleAsync(await db.People.AsNoTracking().SingleAsync(p => p.Id == input.PersonId, ct), ct), ct) is { } stale)
                {
                    return stale;
                }
                await SearchIndex.RefreshAsync(db, [person.CompanyId], ct);
                return new Done<Saved>(new(person.Id, person.CompanyId, $"Saved: {CompanyTimeline.ListFields(changes)} of {person.Name} changed."));
            }, cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Someone gave the address to another person here between the check and the save (the unique key refuses it).
            db.ChangeTracker.Clear();
            return new Invalid(nameof(Input.Email), "Someone else has just given this e-mail address to another person at the same company.");
        }
    }

    private async Task<Conflict<Current>> StaleAsync(Person person, CancellationToken cancellationToken)
    {
        var by = await db.Timeline.AsNoTracking()
            .Where(t => t.SubjectType == "Person" && t.SubjectId == person.Id && t.Kind == CompanyTimeline.PersonEdited)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Select(t => t.ActorName).FirstOrDefaultAsync(cancellationToken);
        return new(new(person.CompanyId, person.Name, person.Role, person.Email, person.Phone, person.Version, by),
            $"{by ?? "Someone else"} saved this person while you were editing, so your changes were not saved.");
    }
}
