using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;
using LogContactUseCase = PyPyLeads.Companies.LogContact;

namespace PyPyLeads.Web.Features.LogContact;

/// <summary>
/// "Log a contact": the page of the <see cref="LogContactUseCase"/> use case, which holds its rules. A match (company
/// or person) comes back on the form with a button to use it; a save lost to someone else's a moment ago comes back
/// with what they saved and a message saying what happened.
/// </summary>
[Route("log-contact")]
public sealed class LogContactController(LeadsDbContext db, TimeProvider clock) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(int? companyId, CancellationToken cancellationToken)
    {
        if (Request.Headers.ContainsKey("X-Offline-Copy"))
        {
            // The service worker keeping the form for offline use (wwwroot/sw.js): the flash of the person's last
            // action is for the page they go to next, not for this copy.
            TempData.Keep();
        }
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
    public async Task<IActionResult> Index(LogContactForm form, string? submissionKey, [FromServices] LogContactUseCase logContact, [FromServices] IValidator<LogContactUseCase.Input> inputRules,
        CancellationToken cancellationToken)
    {
        var input = form.ToInput() with { SubmissionKey = submissionKey };
        var outbox = OutboxAnswers.Wanted(Request);
        if (!ModelState.IsValid)
        {
            // The form could not be read whole (the follow-up's time, a mangled id): shown with every other problem at once.
            if (await inputRules.CheckAsync(input, cancellationToken) is { } problems)
            {
                ModelState.AddErrors(problems);
            }
            return outbox ? OutboxAnswers.Refused(ModelState) : View(await PageAsync(form, cancellationToken));
        }
        var outcome = await logContact.RunAsync(input, await User.CallerAsync(db, cancellationToken), cancellationToken);
        if (outbox)
        {
            if (outcome is Done<LogContactUseCase.Logged> saved && Request.Headers.ContainsKey(OutboxAnswers.LiveHeader))
            {
                TempData.Done(saved.Value.Message);
            }
            return OutboxAnswers.For(this, outcome);
        }
        switch (outcome)
        {
            case Done<LogContactUseCase.Logged> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(CompaniesController.Show), "Companies", new { id = done.Value.CompanyId });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(await PageAsync(form, cancellationToken));
            case DuplicatesFound<CompanyMatch> companies:
                form.CompanyId = null; // a name typed over a chosen company is a new one
                ModelState.AddModelError(companies.Field, companies.Message);
                return View(await PageAsync(form, cancellationToken, companyMatches: companies.Matches));
            case DuplicatesFound<PersonMatch> people:
                // The company the input led to (a match used, or the survivor of a merge) stays chosen for the next submit.
                (form.CompanyId, form.CompanyName, form.PersonId) = (people.Matches[0].CompanyId, people.Matches[0].CompanyName, null);
                ModelState.AddModelError(people.Field, people.Message);
                return View(await PageAsync(form, cancellationToken, personMatches: people.Matches));
            case Conflict<LogContactUseCase.SavedMeanwhile> race:
                (form.CompanyId, form.PersonId) = (race.Current.CompanyId, race.Current.PersonId);
                return View(await PageAsync(form, cancellationToken, race.Current.Companies, race.Current.People, race.Message));
            case NotAllowed notAllowed:
                form.CompanyId = null;
                this.RefusedBeside(notAllowed, nameof(LogContactForm.CompanyName));
                return View(await PageAsync(form, cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    /// <summary>What the form needs offline (<see cref="OfflineData"/>): read by the outbox before it sends, kept by the service worker.</summary>
    [HttpGet("offline-data")]
    public async Task<IActionResult> OfflineDataAsync([FromServices] IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var token = antiforgery.GetAndStoreTokens(HttpContext).RequestToken;
        // Never in a shared or browser HTTP cache: the service worker keeps its own copy, and drops it at sign-out.
        Response.Headers.CacheControl = "no-store";
        return Json(await OfflineData.ForAsync(db, caller, token, cancellationToken));
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
        var now = clock.GetUtcNow().UtcDateTime;
        return new LogContactPage
        {
            Form = form,
            TourStops = stops.Select(s => new SelectListItem(TourSchedule.Label(s) + (TourSchedule.IsAhead(s, now) ? " (not yet)" : ""),
                s.Id.ToString(CultureInfo.InvariantCulture))).ToList(),
            ChosenStopAhead = stops.FirstOrDefault(s => s.Id == form.TourStopId) is { } chosen && TourSchedule.IsAhead(chosen, now) ? chosen.Name : null,
            Users = users.Select(u => new SelectListItem(u.DisplayName, u.Id)).ToList(),
            ChosenCompany = chosenCompany,
            ChosenPerson = chosenPerson,
            CompanyMatches = companyMatches ?? [],
            PersonMatches = personMatches ?? [],
            RaceMessage = raceMessage,
        };
    }
}
