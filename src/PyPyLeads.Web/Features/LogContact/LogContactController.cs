using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Timeline;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Tour;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.LogContact;

/// <summary>
/// "Log a contact": one submit creates or reuses the company, creates or reuses the person, and records the
/// encounter with its timeline entry. A new company that matches an existing one (name or domain) is not created:
/// the form comes back with the match and a button to use it. The unique keys in the database hold the same line
/// when two people submit at once; the loser gets the match offered with a message saying what happened.
/// </summary>
[Route("log-contact")]
public sealed class LogContactController(LeadsDbContext db, TimeProvider clock, PyPyLeads.FollowUps.FollowUpScheduler followUps, ILogger<LogContactController> logger) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(int? companyId, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var stops = await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).ToListAsync(cancellationToken);
        var form = new LogContactForm
        {
            TourStopId = TourSchedule.CurrentOrLatest(stops, clock.GetUtcNow().UtcDateTime)?.Id,
            MetBy = [viewer.UserId],
        };
        if (companyId is not null && await db.Companies.AsNoTracking().Where(c => c.Id == companyId && c.DeletedAtUtc == null)
                .Select(c => c.Name).SingleOrDefaultAsync(cancellationToken) is { } name)
        {
            form.CompanyId = companyId;
            form.CompanyName = name;
        }
        return View(await PageAsync(form, cancellationToken));
    }

    [HttpPost("")]
    public async Task<IActionResult> Index(LogContactForm form, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        form.MetBy = form.MetBy.Where(id => !string.IsNullOrEmpty(id)).Distinct().ToList();
        if (form.TourStopId is > 0 && !await db.TourStops.AnyAsync(s => s.Id == form.TourStopId, cancellationToken))
        {
            ModelState.AddModelError(nameof(form.TourStopId), "Choose a tour stop from the list.");
        }
        if (form.MetBy.Count > 0 && await db.Users.CountAsync(u => form.MetBy.Contains(u.Id), cancellationToken) != form.MetBy.Count)
        {
            ModelState.AddModelError(nameof(form.MetBy), "Choose people from the list.");
        }
        if (!ModelState.IsValid)
        {
            return View(await PageAsync(form, cancellationToken));
        }

        // The company: one chosen (type-ahead or a match's button), else a new one unless it matches.
        Company? company = null;
        if (form.UseCompanyId is { } useCompany)
        {
            form.CompanyId = useCompany;
        }
        if (form.CompanyId is { } companyId)
        {
            company = await LiveCompanyAsync(companyId, cancellationToken);
            if (company is null)
            {
                form.CompanyId = null;
                ModelState.AddModelError(nameof(form.CompanyName), "That company has been deleted meanwhile. Check the name and save again.");
                return View(await PageAsync(form, cancellationToken));
            }
            // Without script the hidden id stays when the name is retyped; a different name means a different company.
            if (form.UseCompanyId is null && !string.IsNullOrWhiteSpace(form.CompanyName) && CompanyKeys.Name(form.CompanyName) != company.NameKey)
            {
                company = null;
                form.CompanyId = null;
            }
            else
            {
                form.CompanyId = company.Id; // the survivor, when the chosen company was merged meanwhile
                form.CompanyName = company.Name;
            }
        }
        if (company is null)
        {
            var matches = await CompanyMatching.FindAsync(db, form.CompanyName, form.CompanyDomain, cancellationToken: cancellationToken);
            if (matches.Count > 0)
            {
                ModelState.AddModelError(nameof(form.CompanyName), matches.Count == 1
                    ? $"“{matches[0].Name}” is already here ({matches[0].Reason}). Use it, or change the name."
                    : "These companies are already here. Use one of them, or change the name and domain.");
                return View(await PageAsync(form, cancellationToken, companyMatches: matches));
            }
        }

        // The person: one chosen, else new unless the company already has them (same e-mail; same name unless told otherwise).
        Person? person = null;
        if (form.UsePersonId is { } usePerson)
        {
            form.PersonId = usePerson;
        }
        if (form.PersonId is { } personId)
        {
            person = company is null ? null : await db.People.SingleOrDefaultAsync(p => p.Id == personId && p.CompanyId == company.Id && p.DeletedAtUtc == null, cancellationToken);
            if (person is not null && form.UsePersonId is null && !string.IsNullOrWhiteSpace(form.PersonName)
                && CompanyKeys.PersonName(form.PersonName) != CompanyKeys.PersonName(person.Name))
            {
                person = null;
            }
            form.PersonId = person?.Id;
            if (person is not null)
            {
                form.PersonName = person.Name;
            }
        }
        if (person is null && form.HasPerson && company is not null)
        {
            var personMatches = await PersonMatchesAsync(company.Id, form, cancellationToken);
            if (personMatches.Count > 0)
            {
                var byEmail = personMatches.FirstOrDefault(m => m.ByEmail);
                ModelState.AddModelError(byEmail is not null ? nameof(form.PersonEmail) : nameof(form.PersonName), byEmail is not null
                    ? $"{byEmail.Name} at {company.Name} has this e-mail address. Use them, or correct the address."
                    : $"Someone called {personMatches[0].Name} is already at {company.Name}. Is it them?");
                return View(await PageAsync(form, cancellationToken, personMatches: personMatches));
            }
        }

        // Once checked, the contact is saved whole, follow-up included, even if the phone that sent it loses its connection
        // meanwhile: with the request's token a dropped connection rolled the contact back, or, between the two steps,
        // kept the contact and silently dropped the follow-up asked for with it.
        var saving = CancellationToken.None;
        try
        {
            var (savedCompanyId, summary) = await db.InTransactionAsync(ct => SaveAsync(form, viewer, ct), saving);
            if (form.FollowUp is { Wanted: true } f && f.DueUtc() is { } due)
            {
                try
                {
                    await followUps.CreateAsync(new PyPyLeads.FollowUps.NewFollowUp(savedCompanyId, f.OwnerUserId!, due, f.Note), new PyPyLeads.Timeline.Actor(viewer.UserId, viewer.Name), saving);
                    summary += " A follow-up is scheduled.";
                }
                catch (PyPyLeads.FollowUps.FollowUpRuleException ex)
                {
                    // The rules were checked with the form; this only happens if the deadline moved in between.
                    summary += " The follow-up was not scheduled: " + ex.Message;
                }
            }
            TempData.Done(summary);
            return Redirect($"/companies/{savedCompanyId.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Someone saved the same company (or person) a moment ago: offer theirs, as if it had been there before.
            db.ChangeTracker.Clear();
            logger.LogInformation("Log a contact lost a race for {Company}; offering the company saved meanwhile", form.CompanyName);
            var matches = form.CompanyId is null
                ? await CompanyMatching.FindAsync(db, form.CompanyName, form.CompanyDomain, cancellationToken: cancellationToken)
                : [];
            var personMatches = form.CompanyId is { } id && form.HasPerson ? await PersonMatchesAsync(id, form, cancellationToken) : [];
            var message = matches.Count > 0
                ? $"Someone else saved “{matches[0].Name}” a moment ago, while you were typing. Nothing was saved twice: use theirs, or change the name."
                : "Someone else saved this person a moment ago, while you were typing. Use theirs, or change the details.";
            return View(await PageAsync(form, cancellationToken, matches, personMatches, message));
        }
    }

    private async Task<(int CompanyId, string Summary)> SaveAsync(LogContactForm form, Viewer viewer, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var actor = viewer.Actor;
        var stop = form.TourStopId is > 0 ? await db.TourStops.AsNoTracking().SingleAsync(s => s.Id == form.TourStopId, cancellationToken) : null;

        Company company;
        var companyIsNew = form.CompanyId is null;
        if (form.CompanyId is { } companyId)
        {
            company = await db.Companies.SingleAsync(c => c.Id == companyId, cancellationToken);
        }
        else
        {
            company = new Company
            {
                Name = form.CompanyName!.Trim(), NameKey = CompanyKeys.Name(form.CompanyName),
                WebDomain = CompanyRules.Clean(form.CompanyDomain), DomainKey = CompanyKeys.Domain(form.CompanyDomain),
                Source = stop is null ? LeadSource.Other : LeadSource.TourStop, SourceTourStopId = stop?.Id,
                CreatedAtUtc = now, CreatedByUserId = viewer.UserId,
            };
            db.Companies.Add(company);
        }

        Person? person = null;
        var personIsNew = false;
        List<FieldChange> personChanges = [];
        if (form.PersonId is { } personId)
        {
            person = await db.People.SingleAsync(p => p.Id == personId, cancellationToken);
            // What they told us this time fills what we did not know; nothing known is overwritten.
            personChanges = CompanyTimeline.Changes(
                ("Role", person.Role, person.Role ?? CompanyRules.Clean(form.PersonRole)),
                ("E-mail", person.Email, person.Email ?? CompanyRules.Clean(form.PersonEmail)),
                ("Phone", person.Phone, person.Phone ?? CompanyRules.Clean(form.PersonPhone)));
            person.Role ??= CompanyRules.Clean(form.PersonRole);
            if (person.Email is null && CompanyRules.Clean(form.PersonEmail) is { } email)
            {
                person.Email = email;
                person.EmailKey = CompanyKeys.Email(email);
            }
            person.Phone ??= CompanyRules.Clean(form.PersonPhone);
        }
        else if (form.HasPerson)
        {
            person = new Person
            {
                Company = company, Name = form.PersonName!.Trim(), Role = CompanyRules.Clean(form.PersonRole),
                Email = CompanyRules.Clean(form.PersonEmail), EmailKey = CompanyKeys.Email(form.PersonEmail),
                Phone = CompanyRules.Clean(form.PersonPhone), CreatedAtUtc = now,
            };
            db.People.Add(person);
            personIsNew = true;
        }

        await db.SaveChangesAsync(cancellationToken); // company and person ids, or the unique keys refuse

        var interests = form.Interests.Aggregate(Interests.None, (all, i) => all | i);
        var encounter = new Encounter
        {
            CompanyId = company.Id, PersonId = person?.Id, TourStopId = stop?.Id,
            MetAtUtc = now, Interests = interests, Note = CompanyRules.Clean(form.Note), CreatedByUserId = viewer.UserId,
            MetBy = form.MetBy.Select(id => new EncounterAttendee { UserId = id }).ToList(),
        };
        db.Encounters.Add(encounter);
        await db.SaveChangesAsync(cancellationToken);

        if (companyIsNew)
        {
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.CompanyCreated,
                $"{actor.Name} added this company", stop is null ? "While logging a contact." : $"While logging a contact at the {stop.Name}.", actor, now, "Company", company.Id));
        }
        if (personChanges.Count > 0)
        {
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.PersonEdited,
                $"{actor.Name} added {CompanyTimeline.ListFields(personChanges)} for {person!.Name}", CompanyTimeline.Describe(personChanges), actor, now, "Person", person.Id));
        }
        var metBy = await db.Users.AsNoTracking().Where(u => form.MetBy.Contains(u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToListAsync(cancellationToken);
        var who = person is null ? $"someone from {company.Name}" : person.Name + (person.Role is null ? "" : $" ({person.Role})") + (personIsNew ? ", new contact," : "");
        var where = stop is null ? "(not at a tour stop)" : $"at the {stop.Name}";
        var details = $"Met by {string.Join(", ", metBy)}\nInterested in: {InterestNames.Describe(interests)}" + (encounter.Note is null ? "" : "\n\n" + encounter.Note);
        db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.Encounter, $"Met {who} {where}", details, actor, now, "Encounter", encounter.Id));
        await db.SaveChangesAsync(cancellationToken);
        await SearchIndex.RefreshAsync(db, [company.Id], cancellationToken);
        return (company.Id, $"Logged: met {who.TrimEnd(',')} {where}.");
    }

    private async Task<Company?> LiveCompanyAsync(int id, CancellationToken cancellationToken)
    {
        // A company merged away leads to the one it was merged into.
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        for (var hops = 0; company?.MergedIntoCompanyId is { } into && hops < 10; hops++)
        {
            company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == into, cancellationToken);
        }
        return company is { DeletedAtUtc: null } ? company : null;
    }

    private async Task<List<PersonMatch>> PersonMatchesAsync(int companyId, LogContactForm form, CancellationToken cancellationToken)
    {
        var emailKey = CompanyKeys.Email(form.PersonEmail);
        var nameKey = string.IsNullOrWhiteSpace(form.PersonName) ? null : CompanyKeys.PersonName(form.PersonName);
        var people = await db.People.AsNoTracking().Where(p => p.CompanyId == companyId && p.DeletedAtUtc == null)
            .Select(p => new { p.Id, p.Name, p.Role, p.Email, p.EmailKey }).ToListAsync(cancellationToken);
        var byEmail = people.Where(p => emailKey is not null && p.EmailKey == emailKey).Select(p => new PersonMatch(p.Id, p.Name, p.Role, p.Email, true)).ToList();
        if (byEmail.Count > 0 || form.NewPerson)
        {
            return byEmail;
        }
        // Same name: probably them, unless both have different e-mail addresses.
        return people.Where(p => nameKey is not null && CompanyKeys.PersonName(p.Name) == nameKey && (p.EmailKey is null || emailKey is null))
            .Select(p => new PersonMatch(p.Id, p.Name, p.Role, p.Email, false)).ToList();
    }

    private async Task<LogContactPage> PageAsync(LogContactForm form, CancellationToken cancellationToken,
        IReadOnlyList<CompanyMatch>? companyMatches = null, IReadOnlyList<PersonMatch>? personMatches = null, string? raceMessage = null)
    {
        var stops = await db.TourStops.AsNoTracking().OrderBy(s => s.Sequence).ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName }).ToListAsync(cancellationToken);
        var chosenCompany = form.CompanyId is { } id
            ? await db.Companies.AsNoTracking().Where(c => c.Id == id && c.DeletedAtUtc == null).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        if (chosenCompany is null)
        {
            form.CompanyId = null;
        }
        var chosenPerson = form.PersonId is { } pid
            ? await db.People.AsNoTracking().Where(p => p.Id == pid && p.DeletedAtUtc == null).Select(p => p.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        if (chosenPerson is null)
        {
            form.PersonId = null;
        }
        return new LogContactPage
        {
            Form = form,
            TourStops = stops.Select(s => new SelectListItem(TourSchedule.Label(s), s.Id.ToString(CultureInfo.InvariantCulture))).ToList(),
            Users = users.Select(u => new SelectListItem(u.DisplayName, u.Id)).ToList(),
            ChosenCompany = chosenCompany,
            ChosenPerson = chosenPerson,
            CompanyMatches = companyMatches ?? [],
            PersonMatches = personMatches ?? [],
            RaceMessage = raceMessage,
        };
    }
}
