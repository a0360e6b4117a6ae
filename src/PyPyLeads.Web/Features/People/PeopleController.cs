using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Timeline;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.People;

/// <summary>Editing a person (with the same refusal of stale saves as companies) and merging two people of one company.</summary>
[Route("people")]
public sealed class PeopleController(LeadsDbContext db, TimeProvider clock) : Controller
{
    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        var person = await LivePersonAsync(id, cancellationToken);
        return person is null ? NotFound() : View(await PageAsync(person, PersonForm.From(person), cancellationToken));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, PersonForm form, CancellationToken cancellationToken)
    {
        var person = await db.People.SingleOrDefaultAsync(p => p.Id == id && p.DeletedAtUtc == null, cancellationToken);
        if (person is null)
        {
            return NotFound();
        }
        var emailKey = CompanyKeys.Email(form.Email);
        if (ModelState.IsValid && emailKey is not null
            && await db.People.Where(p => p.CompanyId == person.CompanyId && p.Id != id && p.DeletedAtUtc == null && p.EmailKey == emailKey)
                .Select(p => p.Name).FirstOrDefaultAsync(cancellationToken) is { } same)
        {
            ModelState.AddModelError(nameof(form.Email), $"{same} has this e-mail address at the same company. Merge the two instead.");
        }
        if (!ModelState.IsValid)
        {
            return View(await PageAsync(person, form, cancellationToken));
        }
        if (person.Version != form.Version)
        {
            return View(await ConflictAsync(person, form, cancellationToken));
        }
        var changes = CompanyTimeline.Changes(
            ("Name", person.Name, form.Name!.Trim()),
            ("Role", person.Role, CompanyRules.Clean(form.Role)),
            ("E-mail", person.Email, CompanyRules.Clean(form.Email)),
            ("Phone", person.Phone, CompanyRules.Clean(form.Phone)));
        if (changes.Count == 0)
        {
            TempData.Done("Nothing changed.");
            return Redirect($"/companies/{person.CompanyId}");
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var oldName = person.Name;
        person.Name = form.Name!.Trim();
        person.Role = CompanyRules.Clean(form.Role);
        person.Email = CompanyRules.Clean(form.Email);
        person.EmailKey = emailKey;
        person.Phone = CompanyRules.Clean(form.Phone);
        db.Entry(person).Property(p => p.Version).OriginalValue = form.Version;
        db.Timeline.Add(TimelineEntry.For(person.CompanyId, CompanyTimeline.PersonEdited,
            $"{viewer.Name} changed {CompanyTimeline.ListFields(changes)} of {oldName}", CompanyTimeline.Describe(changes), viewer.Actor,
            clock.GetUtcNow().UtcDateTime, "Person", person.Id));
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                await SearchIndex.RefreshAsync(db, [person.CompanyId], ct);
                await transaction.CommitAsync(ct);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.People.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken);
            return View(await ConflictAsync(current, form, cancellationToken));
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            ModelState.AddModelError(nameof(form.Email), "Someone else has just given this e-mail address to another person at the same company.");
            var current = await db.People.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken);
            return View(await PageAsync(current, form, cancellationToken));
        }
        TempData.Done($"Saved: {CompanyTimeline.ListFields(changes)} of {person.Name} changed.");
        return Redirect($"/companies/{person.CompanyId}");
    }

    [HttpGet("{id:int}/merge")]
    public async Task<IActionResult> Merge(int id, CancellationToken cancellationToken)
    {
        var page = await MergePageAsync(id, null, cancellationToken);
        return page is null ? NotFound() : View(page);
    }

    [HttpPost("{id:int}/merge")]
    public async Task<IActionResult> Merge(int id, int? with, CancellationToken cancellationToken)
    {
        var person = await LivePersonAsync(id, cancellationToken);
        if (person is null)
        {
            return NotFound();
        }
        if (with is not { } otherId)
        {
            return View(await MergePageAsync(id, "Choose the other person.", cancellationToken));
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        try
        {
            // The person whose page this is stays; the one chosen merges into them.
            await db.InTransactionAsync(ct => Merging.MergePeopleAsync(db, id, otherId, viewer.Actor, clock.GetUtcNow().UtcDateTime, ct), cancellationToken);
        }
        catch (MergeRefusedException ex)
        {
            db.ChangeTracker.Clear();
            return View(await MergePageAsync(id, ex.Message, cancellationToken));
        }
        TempData.Done("Merged.");
        return Redirect($"/companies/{person.CompanyId}");
    }

    private Task<Person?> LivePersonAsync(int id, CancellationToken cancellationToken) =>
        db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.DeletedAtUtc == null, cancellationToken);

    private async Task<PersonEditPage> PageAsync(Person person, PersonForm form, CancellationToken cancellationToken) => new()
    {
        PersonId = person.Id, CompanyId = person.CompanyId, Form = form,
        CompanyName = await db.Companies.Where(c => c.Id == person.CompanyId).Select(c => c.Name).SingleAsync(cancellationToken),
    };

    private async Task<PersonEditPage> ConflictAsync(Person current, PersonForm mine, CancellationToken cancellationToken)
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
        var by = await db.Timeline.AsNoTracking().Where(t => t.SubjectType == "Person" && t.SubjectId == current.Id && t.Kind == CompanyTimeline.PersonEdited)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Select(t => t.ActorName).FirstOrDefaultAsync(cancellationToken);
        mine.Version = current.Version;
        ModelState.Remove(nameof(PersonForm.Version));
        var page = await PageAsync(current, mine, cancellationToken);
        return new PersonEditPage
        {
            PersonId = page.PersonId, CompanyId = page.CompanyId, CompanyName = page.CompanyName, Form = mine, Theirs = theirs,
            ConflictBy = by ?? "someone else",
        };
    }

    private async Task<PersonMergePage?> MergePageAsync(int id, string? error, CancellationToken cancellationToken)
    {
        var person = await LivePersonAsync(id, cancellationToken);
        if (person is null)
        {
            return null;
        }
        var others = await db.People.AsNoTracking().Where(p => p.CompanyId == person.CompanyId && p.Id != id && p.DeletedAtUtc == null).OrderBy(p => p.Name)
            .Select(p => new PersonRow(p.Id, p.Name, p.Role, p.Email, p.Phone)).ToListAsync(cancellationToken);
        return new PersonMergePage
        {
            This = new PersonRow(person.Id, person.Name, person.Role, person.Email, person.Phone), CompanyId = person.CompanyId,
            CompanyName = await db.Companies.Where(c => c.Id == person.CompanyId).Select(c => c.Name).SingleAsync(cancellationToken),
            Others = others, Error = error,
        };
    }
}
