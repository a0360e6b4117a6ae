using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>
/// A presentation request as the API shows it. Its time (once scheduled) is UTC, with the IANA zone of its tour area
/// beside it (<see cref="TimeZone"/>): the zone the presenters and the audience read it in.
/// </summary>
public sealed record PresentationResource(int Id, int CompanyId, string CompanyName, PresentationStatus Status, string ContactName, string ContactEmail,
    string? Address, string? City, string? PreferredDates, int? AudienceSize, IReadOnlyList<Topics> Topics, string? OtherTopics, string? ConvinceManagement,
    string? Area, string? TimeZone, string? Place, DateTime? StartsAt, DateTime? EndsAt, IReadOnlyList<int> PresenterIds, int? Attendance,
    string? OutcomeNotes, string? Reason, bool ViaPublicPage, DateTime CreatedAt, long Version)
{
    public static PresentationResource Of(PresentationRequest p) => new(p.Id, p.CompanyId, p.Company?.Name ?? "", p.Status, p.ContactName, p.ContactEmail,
        p.Address, p.City, p.PreferredDates, p.AudienceSize, Enum.GetValues<PyPyLeads.Schedule.Topics>().Where(t => t != PyPyLeads.Schedule.Topics.None && p.Topics.HasFlag(t)).ToList(), p.OtherTopics,
        p.ConvinceManagement, p.Area, p.Area is { } area && TourAreas.Exists(area) ? TourAreas.ZoneOf(area) : null, p.Place, p.StartsAtUtc, p.EndsAtUtc,
        p.Presenters.Select(x => x.TeamMemberId).Order().ToList(), p.Attendance, p.OutcomeNotes, p.Reason, p.ViaPublicPage, p.CreatedAtUtc, p.Version);
}

/// <summary>A page of presentation requests, newest first; <see cref="Next"/> is the next page's address.</summary>
public sealed record PresentationRequestList(IReadOnlyList<PresentationResource> Items, string? Next);

/// <summary>A request for an on-site presentation, entered by one of the team (the company by name: an existing one is recognised).</summary>
public sealed record PresentationRequestBody(string? CompanyName, string? WebDomain, string? ContactName, string? ContactEmail, string? Address, string? City,
    string? PreferredDates, int? AudienceSize, IReadOnlyList<Topics>? Topics, string? OtherTopics, string? ConvinceManagement);

/// <summary>When and where it takes place, and who presents.</summary>
/// <param name="Area">"Bay Area" or "Atlanta": the times are local times there, without an offset (<c>2011-03-04T12:00</c>).</param>
/// <param name="TeamMemberIds">The presenters (team member ids, see the team's list).</param>
/// <param name="ConfirmClashes">Book it although it clashes with the tour or other engagements (409 lists the clashes otherwise).</param>
public sealed record ScheduleBody(string? Area, string? Place, DateTime? StartsLocal, DateTime? EndsLocal, IReadOnlyList<int>? TeamMemberIds, bool ConfirmClashes);

/// <param name="ConfirmBeforeStart">"It has taken place": needed before its scheduled start.</param>
public sealed record DeliverBody(int? Attendance, string? Notes, bool ConfirmBeforeStart);

public sealed record ReasonBody(string? Reason);

/// <summary>Presentation requests through the API: create, read, and their transitions (schedule, deliver, decline, cancel).</summary>
public static class PresentationsApi
{
    public const int PageSize = 50;

    public static void MapPresentationsApi(this RouteGroupBuilder api)
    {
        var presentations = api.MapGroup("/presentations").WithTags("Presentation requests");
        presentations.MapGet("", ListAsync).WithName("ListPresentations")
            .WithSummary("List presentation requests, newest first, optionally of one status")
            .Produces<PresentationRequestList>();
        presentations.MapGet("/{id:int}", GetAsync).WithName("GetPresentation")
            .WithSummary("One presentation request")
            .Produces<PresentationResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        presentations.MapPost("", CreateAsync).WithName("RequestPresentation")
            .WithSummary("Record a request for an on-site presentation")
            .WithDescription("The company is found by name or domain, or created. Admins, and members when that company is their consultancy's or unassigned.")
            .Produces<PresentationResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .Writes().Idempotent();
        MapTransition(presentations, "schedule", "SchedulePresentation", "Schedule it: place, local times in its area, presenters",
            (ScheduleBody body, int id, Caller caller, long version, IServiceProvider services) =>
                body.StartsLocal is { Kind: not DateTimeKind.Unspecified } || body.EndsLocal is { Kind: not DateTimeKind.Unspecified }
                    ? Task.FromResult<Outcome>(new Invalid(nameof(ScheduleBody.StartsLocal), "Give local times in the area, without an offset (2011-03-04T12:00)."))
                    : services.GetRequiredService<SchedulePresentation>().RunAsync(new SchedulePresentation.Input(id, body.Area, body.Place, body.StartsLocal,
                        body.EndsLocal, body.TeamMemberIds ?? [], body.ConfirmClashes, version), caller, CancellationToken.None));
        MapTransition(presentations, "deliver", "DeliverPresentation", "Mark it delivered, with attendance and notes",
            (DeliverBody body, int id, Caller caller, long version, IServiceProvider services) =>
                services.GetRequiredService<DeliverPresentation>().RunAsync(new DeliverPresentation.Input(id, body.Attendance, body.Notes, version, body.ConfirmBeforeStart),
                    caller, CancellationToken.None));
        MapTransition(presentations, "decline", "DeclinePresentation", "Decline it, saying why",
            (ReasonBody body, int id, Caller caller, long version, IServiceProvider services) =>
                services.GetRequiredService<ClosePresentation>().RunAsync(new ClosePresentation.Input(id, PresentationStatus.Declined, body.Reason, version), caller, CancellationToken.None));
        MapTransition(presentations, "cancel", "CancelPresentation", "Cancel it, saying why",
            (ReasonBody body, int id, Caller caller, long version, IServiceProvider services) =>
                services.GetRequiredService<ClosePresentation>().RunAsync(new ClosePresentation.Input(id, PresentationStatus.Cancelled, body.Reason, version), caller, CancellationToken.None));
    }

    /// <summary>
    /// <c>POST /presentations/{id}/{verb}</c>: one status change through its use case. A refusal because of its status now
    /// (not because of a stale If-Match) is 409; a stale If-Match 412.
    /// </summary>
    private static RouteHandlerBuilder MapTransition<TBody>(RouteGroupBuilder group, string verb, string name, string summary,
        Func<TBody, int, Caller, long, IServiceProvider, Task<Outcome>> use) =>
        group.MapPost("/{id:int}/" + verb, (int id, TBody body, HttpContext http) =>
                ApiChanges.RunAsync<StatusChange.Changed>(http, body, "presentations." + verb,
                    (caller, version) => use(body, id, caller, version, http.RequestServices),
                    _ => AnswerAsync(http, id, StatusCodes.Status200OK),
                    (outcome, version) => outcome is Conflict<StatusChange.Current> conflict && conflict.Current.Version == version
                        ? ApiProblems.Problem(StatusCodes.Status409Conflict, "Not from its status now", conflict.Message,
                            new Dictionary<string, object?> { ["current"] = conflict.Current })
                        : null))
            .WithName(name).WithSummary(summary)
            .Produces<PresentationResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().Idempotent().NeedsIfMatch();

    private static IQueryable<PresentationRequest> Loaded(LeadsDbContext db) =>
        db.PresentationRequests.AsNoTracking().Include(p => p.Company).Include(p => p.Presenters);

    private static async Task<IResult> ListAsync(HttpRequest request, LeadsDbContext db, PresentationStatus? status, string? after, CancellationToken cancellationToken)
    {
        var query = Loaded(db);
        if (status is { } s)
        {
            query = query.Where(p => p.Status == s);
        }
        if (ApiCursors.Decode(after) is { } before)
        {
            query = query.Where(p => p.Id < before);
        }
        var page = await query.OrderByDescending(p => p.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
        var next = page.Count > PageSize ? ApiCursors.Next(request, ApiCursors.Encode(page[PageSize - 1].Id)) : null;
        return TypedResults.Ok(new PresentationRequestList(page.Take(PageSize).Select(PresentationResource.Of).ToList(), next));
    }

    private static Task<IResult> GetAsync(int id, HttpContext http) => AnswerAsync(http, id, StatusCodes.Status200OK);

    private static async Task<IResult> AnswerAsync(HttpContext http, int id, int status)
    {
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var request = await Loaded(db).SingleOrDefaultAsync(p => p.Id == id, http.RequestAborted);
        if (request is null)
        {
            return ApiProblems.For(new NotFound("There is no such presentation request."));
        }
        ETags.Set(http.Response, request.Version);
        var resource = PresentationResource.Of(request);
        return status == StatusCodes.Status201Created
            ? TypedResults.Created($"{ApiSetup.Root}/presentations/{id}", resource)
            : TypedResults.Ok(resource);
    }

    private static async Task<IResult> CreateAsync(PresentationRequestBody body, HttpContext http, LeadsDbContext db, RequestPresentation requestPresentation,
        CancellationToken cancellationToken)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var outcome = await requestPresentation.RunAsync(new RequestPresentation.Input(body.CompanyName, body.WebDomain, body.ContactName, body.ContactEmail,
            body.Address, body.City, body.PreferredDates, body.AudienceSize, body.Topics ?? [], body.OtherTopics, body.ConvinceManagement) { SubmissionKey = key },
            await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<RequestPresentation.Requested> done
            ? await AnswerAsync(http, done.Value.Id, StatusCodes.Status201Created)
            : ApiProblems.For(outcome);
    }
}
