using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Infrastructure;
using LogContactUseCase = PyPyLeads.Companies.LogContact;

namespace PyPyLeads.Web.Features.LogContact;

/// <summary>
/// What the phone form sends, in one call. A company is named (<see cref="CompanyName"/>, maybe with its domain) or
/// chosen (<see cref="CompanyId"/>, e.g. a match the API offered); the same for the person.
/// </summary>
/// <param name="TourStopId">Where they met: a tour stop's id; null or 0 for "not at a tour stop".</param>
/// <param name="ConfirmStopAhead">"Yes, at that stop": needed when the stop is still ahead on the app's clock.</param>
/// <param name="NewPerson">"A different person": someone with the same name is already at the company.</param>
/// <param name="MetBy">User ids of who met them; the token's user when left out.</param>
public sealed record LogContactRequest(int? TourStopId, bool ConfirmStopAhead, string? CompanyName, string? CompanyDomain, int? CompanyId,
    string? PersonName, string? PersonRole, string? PersonEmail, string? PersonPhone, int? PersonId, bool NewPerson,
    IReadOnlyList<string>? MetBy, IReadOnlyList<Interests>? Interests, string? Note, ContactFollowUp? FollowUp);

/// <summary>A follow-up scheduled with the contact.</summary>
/// <param name="OwnerUserId">Who is reminded; the token's user when left out.</param>
/// <param name="DueAt">When, as an instant with its offset (e.g. <c>2011-03-10T09:00:00-08:00</c>) or UTC.</param>
public sealed record ContactFollowUp(string? OwnerUserId, DateTimeOffset? DueAt, string? Note);

/// <summary>The contact is logged: its company (new or existing) and the line that says what was logged.</summary>
public sealed record ContactLogged(int CompanyId, string Message);

/// <summary>Log a contact through the API: the phone form's use case, one call.</summary>
public static class LogContactApi
{
    public static void MapLogContactApi(this RouteGroupBuilder api)
    {
        api.MapPost("/contacts", LogAsync).WithTags("Log a contact").WithName("LogContact")
            .WithSummary("Log a contact (company, person, where and who met them, interests, a note, a follow-up)")
            .WithDescription("One call, as the phone form: the company and person are created or reused; a new company that matches one already here " +
                             "(name or domain), or a person who matches someone at the company, answers 409 with the `matches` (send again with " +
                             "`companyId` or `personId`, or `newPerson`).")
            .Produces<ContactLogged>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().Idempotent();
    }

    private static async Task<IResult> LogAsync(LogContactRequest body, HttpContext http, LeadsDbContext db, LogContactUseCase logContact, CancellationToken cancellationToken)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var caller = await http.User.CallerAsync(db, cancellationToken);
        if (body.FollowUp is { DueAt: null })
        {
            return ApiProblems.For(new Invalid("FollowUp.DueAt", "Enter when to follow up."));
        }
        var input = new LogContactUseCase.Input
        {
            TourStopId = body.TourStopId ?? 0, ConfirmStopAhead = body.ConfirmStopAhead,
            CompanyName = body.CompanyName, CompanyDomain = body.CompanyDomain, CompanyId = body.CompanyId,
            PersonName = body.PersonName, PersonRole = body.PersonRole, PersonEmail = body.PersonEmail, PersonPhone = body.PersonPhone,
            PersonId = body.PersonId, NewPerson = body.NewPerson,
            MetBy = body.MetBy is { Count: > 0 } metBy ? metBy : [caller.UserId],
            Interests = body.Interests ?? [],
            Note = body.Note,
            FollowUp = body.FollowUp is { DueAt: { } due } asked ? new LogContactUseCase.FollowUpAsked(asked.OwnerUserId ?? caller.UserId, due.UtcDateTime, asked.Note) : null,
            SubmissionKey = key,
        };
        var outcome = await logContact.RunAsync(input, caller, cancellationToken);
        return outcome switch
        {
            Done<LogContactUseCase.Logged> done => TypedResults.Created($"{ApiSetup.Root}/companies/{done.Value.CompanyId}", new ContactLogged(done.Value.CompanyId, done.Value.Message)),
            // The follow-up's rules name the form's time field; the API's is dueAt.
            Invalid invalid => ApiProblems.For(new Invalid(invalid.Errors.Select(e => e.Field == "FollowUp.DueLocal" ? e with { Field = "FollowUp.DueAt" } : e).ToList())),
            // Someone saved the same company or person a moment ago: what now matches, as a 409 like any duplicate.
            Conflict<LogContactUseCase.SavedMeanwhile> race => ApiProblems.Problem(StatusCodes.Status409Conflict, "Saved meanwhile", race.Message,
                new Dictionary<string, object?> { ["field"] = race.Current.Companies.Count > 0 ? "companyName" : "personName",
                    ["matches"] = race.Current.Companies.Count > 0 ? race.Current.Companies : race.Current.People }),
            _ => ApiProblems.For(outcome),
        };
    }
}
