using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.People;

/// <summary>Editing a person (with the same refusal of stale saves as companies) and merging two people of one company.</summary>
[Route("people")]
public sealed class PeopleController(LeadsDbContext db) : Controller
{
    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        var person = await LivePersonAsync(id, cancellationToken);
        return person is null ? NotFound()
            : !await MayChangeAsync(person.CompanyId, cancellationToken) ? Forbid()
            : View(await PageAsync(person, PersonForm.From(person), cancellationToken));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, PersonForm form, [FromServices] EditPerson editPerson, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var caller = await User.CallerAsync(db, cancellationToken);
            var outcome = await editPerson.RunAsync(new EditPerson.Input(id, form.Name, form.Role, form.Email, form.Phone, form.Version), caller, cancellationToken);
            switch (outcome)
            {
                case Done<EditPerson.Saved> done:
                    TempData.Done(done.Value.Message);
                    return RedirectToAction(nameof(CompaniesController.Show), "Companies", new { id = done.Value.CompanyId });
                case Conflict<EditPerson.Current> conflict:
                    return View(await ConflictAsync(id, conflict.Current, form, cancellationToken));
                case Invalid invalid:
                    ModelState.AddErrors(invalid);
                    break;
                default:
                    return this.Refused(outcome);
            }
        }
        var person = await LivePersonAsync(id, cancellationToken);
        return person is null ? NotFound() : View(await PageAsync(person, form, cancellationToken));
    }

    [HttpGet("{id:int}/merge")]
    public async Task<IActionResult> Merge(int id, CancellationToken cancellationToken)
    {
        var page = await MergePageAsync(id, null, cancellationToken);
        return page is null ? NotFound() : !await MayChangeAsync(page.CompanyId, cancellationToken) ? Forbid() : View(page);
    }

    /// <param name="version">This person's version, as the page showed it.</param>
    /// <param name="versions">Each other person's version, by id, as the page showed them.</param>
    [HttpPost("{id:int}/merge")]
    public async Task<IActionResult> Merge(int id, int? with, long? version, Dictionary<int, long>? versions, [FromServices] MergePeople mergePeople,
        CancellationToken cancellationToken)
    {
        long withVersion = 0;
        if (version is not { } mine || (with is { } chosen && versions?.TryGetValue(chosen, out withVersion) != true))
        {
            return BadRequest(); // the form carries the versions it showed
        }
        var caller = await User.CallerAsync(db, cancellationToken);
        // The person whose page this is stays; the one chosen merges into them.
        var outcome = await mergePeople.RunAsync(new MergePeople.Input(id, with, mine, withVersion), caller, cancellationToken);
        if (outcome is Done<MergePeople.Merged> done)
        {
            TempData.Done(done.Value.Message);
            return RedirectToAction(nameof(CompaniesController.Show), "Companies", new { id = done.Value.CompanyId });
        }
        var error = outcome switch
        {
            Invalid invalid => invalid.Errors[0].Message,
            NotFound notFound => notFound.Message,
            Conflict<MergePeople.Current> stale => stale.Message, // the page again shows both as they stand now
            _ => null,
        };
        if (error is null)
        {
            return this.Refused(outcome);
        }
        var page = await MergePageAsync(id, error, cancellationToken, chosen: with);
        return page is null ? NotFound() : View(page);
    }

    /// <summary>Whether to show a form that changes a person at this company (its use case refuses the rest anyway).</summary>
    private async Task<bool> MayChangeAsync(int companyId, CancellationToken cancellationToken) =>
        (await Viewer.LoadAsync(db, User, cancellationToken)).MayChange(
            await db.Companies.Where(c => c.Id == companyId).Select(c => c.ConsultancyId).SingleAsync(cancellationToken));

    private Task<Person?> LivePersonAsync(int id, CancellationToken cancellationToken) =>
        db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.DeletedAtUtc == null, cancellationToken);

    private async Task<PersonEditPage> PageAsync(Person person, PersonForm form, CancellationToken cancellationToken) => new()
    {
        PersonId = person.Id, CompanyId = person.CompanyId, Form = form,
        CompanyName = await db.Companies.Where(c => c.Id == person.CompanyId).Select(c => c.Name).SingleAsync(cancellationToken),
    };

    /// <summary>A refused save: the form keeps what this user typed, shows what the other person saved, and takes the new version.</summary>
    private async Task<PersonEditPage> ConflictAsync(int id, EditPerson.Current current, PersonForm mine, CancellationToken cancellationToken)
    {
        var theirs = new Dictionary<string, string?>();
        void Compare(string field, string? saved, string? typed)
        {
            if (!string.Equals(CompanyRules.Clean(saved), CompanyRules.Clean(typed), StringComparison.Ordinal))
            {
                theirs[field] = saved;
            }
        }
        Compare(nameof(PersonForm.Name), current.Name, mine.Name);
        Compare(nameof(PersonForm.Role), current.Role, mine.Role);
        Compare(nameof(PersonForm.Email), current.Email, mine.Email);
        Compare(nameof(PersonForm.Phone), current.Phone, mine.Phone);
        mine.Version = current.Version;
        ModelState.Remove(nameof(PersonForm.Version));
        return new PersonEditPage
        {
            PersonId = id, CompanyId = current.CompanyId, Form = mine, Theirs = theirs, ConflictBy = current.EditedBy ?? "someone else",
            CompanyName = await db.Companies.Where(c => c.Id == current.CompanyId).Select(c => c.Name).SingleAsync(cancellationToken),
        };
    }

    private async Task<PersonMergePage?> MergePageAsync(int id, string? error, CancellationToken cancellationToken, int? chosen = null)
    {
        var person = await LivePersonAsync(id, cancellationToken);
        if (person is null)
        {
            return null;
        }
        var others = await db.People.AsNoTracking().Where(p => p.CompanyId == person.CompanyId && p.Id != id && p.DeletedAtUtc == null).OrderBy(p => p.Name)
            .Select(p => new PersonRow(p.Id, p.Name, p.Role, p.Email, p.Phone, p.Version)).ToListAsync(cancellationToken);
        return new PersonMergePage
        {
            This = new PersonRow(person.Id, person.Name, person.Role, person.Email, person.Phone, person.Version), CompanyId = person.CompanyId,
            CompanyName = await db.Companies.Where(c => c.Id == person.CompanyId).Select(c => c.Name).SingleAsync(cancellationToken),
            Others = others, Error = error, Chosen = chosen,
        };
    }
}
