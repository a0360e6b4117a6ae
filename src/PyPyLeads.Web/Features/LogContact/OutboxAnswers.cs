using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using LogContactUseCase = PyPyLeads.Companies.LogContact;

namespace PyPyLeads.Web.Features.LogContact;

/// <summary>
/// What "Log a contact" answers the phone's outbox (<c>wwwroot/js/outbox.js</c>), which posts the same form with
/// <c>Accept: application/json</c>: one of four statuses, each deciding the fate of the queued contact.
/// <c>saved</c> (200): gone from the outbox. <c>needs-choice</c> (409): an existing company or person matches; the
/// entry stays, marked, and opens the normal form, which shows the matches. <c>refused</c> (422, 403 when the company
/// is another consultancy's): the field errors, shown beside the fields; the entry stays until edited or discarded.
/// Signed out, the sign-in redirect answers as for any page (the outbox sends with <c>redirect: manual</c> and keeps the queue).
/// </summary>
public static class OutboxAnswers
{
    /// <summary>Set by the outbox when the person is waiting on the form (not a queued send): the next page shows the usual flash.</summary>
    public const string LiveHeader = "X-Outbox-Live";

    public static bool Wanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));

    public static IActionResult For(Controller controller, Outcome outcome) => outcome switch
    {
        Done<LogContactUseCase.Logged> done => controller.Json(new
        {
            status = "saved", message = done.Value.Message, companyId = done.Value.CompanyId,
            companyUrl = controller.Url.Action("Show", "Companies", new { id = done.Value.CompanyId }),
        }),
        DuplicatesFound<CompanyMatch> companies => NeedsChoice(companies.Field, companies.Message, companies.Matches, []),
        DuplicatesFound<PersonMatch> people => NeedsChoice(people.Field, people.Message, [], people.Matches),
        Conflict<LogContactUseCase.SavedMeanwhile> race => NeedsChoice(race.Current.Companies.Count > 0 ? nameof(LogContactForm.CompanyName) : nameof(LogContactForm.PersonName),
            race.Message, race.Current.Companies, race.Current.People),
        Invalid invalid => Refused(invalid.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), StatusCodes.Status422UnprocessableEntity),
        NotAllowed notAllowed => Refused(new() { [nameof(LogContactForm.CompanyName)] = [notAllowed.Message] }, StatusCodes.Status403Forbidden),
        NotFound notFound => Refused(new() { [""] = [notFound.Message] }, StatusCodes.Status404NotFound),
        _ => throw new InvalidOperationException($"The outbox answer does not map {outcome.GetType().Name}."),
    };

    /// <summary>The form could not be read whole (the follow-up's time, a mangled id): every message, as the page would show them.</summary>
    public static IActionResult Refused(ModelStateDictionary modelState) => Refused(
        modelState.Where(e => e.Value is { Errors.Count: > 0 }).ToDictionary(e => e.Key,
            e => e.Value!.Errors.Select(x => string.IsNullOrEmpty(x.ErrorMessage) ? "This value could not be read." : x.ErrorMessage).ToArray()),
        StatusCodes.Status422UnprocessableEntity);

    private static JsonResult Refused(Dictionary<string, string[]> errors, int status) =>
        new(new { status = "refused", errors }) { StatusCode = status };

    private static JsonResult NeedsChoice(string field, string message, IReadOnlyList<CompanyMatch> companies, IReadOnlyList<PersonMatch> people) =>
        new(new
        {
            status = "needs-choice", field, message,
            companies = companies.Select(c => new { id = c.Id, name = c.Name, reason = c.Reason, domain = c.WebDomain, city = c.City }),
            people = people.Select(p => new { id = p.Id, name = p.Name, role = p.Role, email = p.Email, byEmail = p.ByEmail, companyId = p.CompanyId, companyName = p.CompanyName }),
        }) { StatusCode = StatusCodes.Status409Conflict };
}

/// <summary>
/// What the form needs with no signal, fetched by the outbox before it sends and kept by the service worker:
/// who is signed in (a queued contact is sent only as the person who saved it), a fresh antiforgery token (the one in
/// a page cached days ago may no longer match the cookie), and the caller's own recent companies for the type-ahead,
/// only those they may log a contact at (their consultancy's or unassigned; admins all).
/// </summary>
public static class OfflineData
{
    public const int RecentCompanies = 50;

    public static async Task<object> ForAsync(LeadsDbContext db, Caller caller, string? antiforgeryToken, CancellationToken cancellationToken)
    {
        var mine = db.Encounters.AsNoTracking()
            .Where(e => e.CreatedByUserId == caller.UserId || e.MetBy.Any(a => a.UserId == caller.UserId))
            .GroupBy(e => e.CompanyId)
            .Select(g => new { CompanyId = g.Key, Last = g.Max(e => e.MetAtUtc) });
        var (isAdmin, consultancy) = (caller.IsAdmin, caller.ConsultancyId);
        var companies = await (from m in mine
                               join c in db.Companies on m.CompanyId equals c.Id
                               where c.DeletedAtUtc == null && (isAdmin || c.ConsultancyId == null || c.ConsultancyId == consultancy)
                               orderby m.Last descending, c.Id
                               select new { id = c.Id, name = c.Name, domain = c.WebDomain, city = c.City })
            .Take(RecentCompanies).ToListAsync(cancellationToken);
        return new { userId = caller.UserId, token = antiforgeryToken, companies };
    }
}
