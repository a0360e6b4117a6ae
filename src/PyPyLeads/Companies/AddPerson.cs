using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Add a person at a live company: admins, and members at their consultancy's or unassigned companies (<see cref="CompanyAccess"/>). An e-mail address is one person's at a company:
/// a second live person with it is refused with the one who has it (edit or merge them instead).
/// Returns <see cref="Done{T}"/> of <see cref="Added"/>, <see cref="Invalid"/>, <see cref="DuplicatesFound{T}"/> of <see cref="PersonMatch"/>
/// (on Email), <see cref="NotFound"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class AddPerson(LeadsDbContext db, IValidator<AddPerson.Input> validator, TimeProvider clock, SubmissionStore submissions)
{
    public sealed record Input(int CompanyId, string? Name, string? Role, string? Email, string? Phone) : IPersonFields
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    public sealed record Added(int CompanyId, int PersonId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() => Include(new PersonFieldsValidator());
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(AddPerson), input.SubmissionKey);
        return submissions.OnceAsync<Added>(once, () => AddAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> AddAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        // A deleted company is not found whatever was typed (checked again in the transaction below).
        if (await CompanyAccess.RefusalAsync(db, input.CompanyId, caller, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        if (await AlreadyHereAsync(input, cancellationToken) is { } duplicates)
        {
            return duplicates;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            return await submissions.InTransactionAsync<Added>(once, async ct =>
            {
                if (await CompanyAccess.RefusalAsync(db, input.CompanyId, caller, ct) is { } refusedNow)
                {
                    return refusedNow;
                }
                var person = new Person
                {
                    CompanyId = input.CompanyId, Name = input.Name!.Trim(), Role = CompanyRules.Clean(input.Role), Email = CompanyRules.Clean(input.Email),
                    EmailKey = CompanyKeys.Email(input.Email), Phone = CompanyRules.Clean(input.Phone), CreatedAtUtc = now,
                };
                db.People.Add(person);
                await db.SaveChangesAsync(ct);
                db.Timeline.Add(TimelineEntry.For(input.CompanyId, CompanyTimeline.PersonAdded,
                    $"{caller.Name} added {person.Name}{(person.Role is null ? "" : " (" + person.Role + ")")}", null, caller.Actor, now, "Person", person.Id));
                await db.SaveChangesAsync(ct);
                await SearchIndex.RefreshAsync(db, [input.CompanyId], ct);
                return new Done<Added>(new(input.CompanyId, person.Id, $"Added {person.Name}."));
            }, cancellationToken);
        }
        catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Someone added the same address here between the check and the save (the unique key refuses it).
            db.ChangeTracker.Clear();
            return new Invalid(nameof(Input.Email), "Someone else has just added a person with this e-mail address here.");
        }
    }

    private async Task<DuplicatesFound<PersonMatch>?> AlreadyHereAsync(Input input, CancellationToken cancellationToken)
    {
        if (!CompanyRules.IsEmail(input.Email))
        {
            return null;
        }
        var companyName = await db.Companies.Where(c => c.Id == input.CompanyId).Select(c => c.Name).SingleAsync(cancellationToken);
        // someoneElse: only the e-mail address decides here; a namesake may be added on purpose.
        var matches = await PersonMatching.FindAsync(db, input.CompanyId, companyName, input.Name, input.Email, someoneElse: true, cancellationToken);
        return matches.Count == 0 ? null
            : new(matches, nameof(Input.Email), $"{matches[0].Name} at {matches[0].CompanyName} has this e-mail address already.");
    }
}
