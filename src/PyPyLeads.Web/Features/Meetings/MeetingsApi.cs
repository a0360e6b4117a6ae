using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Meetings;

/// <summary>
/// A lunch or dinner meeting as the API shows it: its times in UTC, with the IANA zone of its tour area beside them
/// (<see cref="TimeZone"/>). <see cref="Version"/> is also its ETag.
/// </summary>
public sealed record MeetingResource(int Id, int CompanyId, string CompanyName, MeetingKind Kind, MeetingStatus Status, string Area, string? TimeZone,
    string Place, string? PlaceAddress, DateTime StartsAt, DateTime EndsAt, IReadOnlyList<int> TeamMemberIds, IReadOnlyList<int> PersonIds, string? Outcome,
    DateTime CreatedAt, long Version)
{
    public static MeetingResource Of(Meeting m) => new(m.Id, m.CompanyId, m.Company?.Name ?? "", m.Kind, m.Status, m.Area,
        TourAreas.Exists(m.Area) ? TourAreas.ZoneOf(m.Area) : null, m.PlaceName, m.PlaceAddress, m.StartsAtUtc, m.EndsAtUtc,
        m.Team.Select(t => t.TeamMemberId).Order().ToList(), m.People.Select(p => p.PersonId).Order().ToList(), m.Outcome, m.CreatedAtUtc, m.Version);
}

/// <summary>A page of meetings by start; <see cref="Next"/> is the next page's address, null on the last.</summary>
public sealed record MeetingResourceList(IReadOnlyList<MeetingResource> Items, string? Next);

/// <summary>A meeting to plan with a company: a known one by <see cref="CompanyId"/>, or one named (found by the duplicate rules, or created).</summary>
/// <param name="Area">"Bay Area" or "Atlanta": the times are local times there, without an offset (<c>2011-03-04T12:30</c>).</param>
/// <param name="PersonIds">The company's people who come (only with <see cref="CompanyId"/>).</param>
/// <param name="ConfirmClashes">Book it although it clashes with the tour or other engagements (409 lists the clashes otherwise).</param>
public sealed record MeetingBody(int? CompanyId, string? CompanyName, MeetingKind Kind, string? Area, string? Place, string? PlaceAddress,
    DateTime? StartsLocal, DateTime? EndsLocal, IReadOnlyList<int>? TeamMemberIds, IReadOnlyList<int>? PersonIds, bool ConfirmClashes);

/// <summary>A planned meeting's new details (its company stays).</summary>
/// <param name="Area">"Bay Area" or "Atlanta": the times are local times there, without an offset.</param>
/// <param name="ConfirmClashes">Book it although it clashes (409 lists the clashes otherwise).</param>
public sealed record MeetingChangeBody(MeetingKind Kind, string? Area, string? Place, string? PlaceAddress, DateTime? StartsLocal, DateTime? EndsLocal,
    IReadOnlyList<int>? TeamMemberIds, IReadOnlyList<int>? PersonIds, bool ConfirmClashes);

/// <param name="Outcome">What came of it (held), or why (cancelled).</param>
public sealed record OutcomeBody(string? Outcome);

/// <summary>Meetings through the API: list, one, plan, reschedule, and close as held or cancelled, with the page's use cases and clash warnings.</summary>
public static class MeetingsApi
{
    public const int PageSize = 50;
    private const string LocalTimes = "Give local times in the area, without an offset (2011-03-04T12:30).";

    public static void MapMeetingsApi(this RouteGroupBuilder api)
    {
        var meetings = api.MapGroup("/meetings").WithTags("Meetings");
        meetings.MapGet("", ListAsync).WithName("ListMeetings")
            .WithSummary("List meetings by start, optionally of one company, one status, or only the upcoming planned ones")
            .WithDescription("`upcoming=true`: planned meetings that have not ended yet on the app's clock. 50 a page; follow `next`.")
            .Produces<MeetingResourceList>()
            .ProducesValidationProblem();
        meetings.MapGet("/{id:int}", GetAsync).WithName("GetMeeting")
            .WithSummary("One meeting")
            .Produces<MeetingResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        meetings.MapPost("", ScheduleAsync).WithName("ScheduleMeeting")
            .WithSummary("Plan a lunch or dinner meeting with a company")
            .WithDescription("Admins, and members with a new or unassigned company or one of their consultancy's. A team member who is elsewhere on the tour " +
                             "or booked then answers 409 with the clashes in `matches`; send again with `confirmClashes` to book it anyway.")
            .Produces<MeetingResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().Idempotent();
        meetings.MapPut("/{id:int}", RescheduleAsync).WithName("RescheduleMeeting")
            .WithSummary("Reschedule a planned meeting: what, where, when, who goes")
            .WithDescription("409 with the clashes in `matches` (send again with `confirmClashes`), or with `current` when it is no longer planned.")
            .Produces<MeetingResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().NeedsIfMatch();
        MapClose(meetings, "held", MeetingStatus.Held, "MeetingHeld", "Mark a planned meeting held, with what came of it");
        MapClose(meetings, "cancel", MeetingStatus.Cancelled, "CancelMeeting", "Cancel a planned meeting, saying why");
    }

    private static void MapClose(RouteGroupBuilder group, string verb, MeetingStatus to, string name, string summary) =>
        group.MapPost("/{id:int}/" + verb, (int id, OutcomeBody body, HttpContext http, CloseMeeting close) =>
                ApiChanges.RunAsync<StatusChange.Changed>(http, body, "meetings." + verb,
                    (caller, version) => close.RunAsync(new CloseMeeting.Input(id, to, body.Outcome, version), caller, CancellationToken.None),
                    _ => AnswerAsync(http, id, StatusCodes.Status200OK), NotFromItsStatus))
            .WithName(name).WithSummary(summary)
            .Produces<MeetingResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().Idempotent().NeedsIfMatch();

    /// <summary>Refused because of its status now (the If-Match was current): 409, as the presentations' transitions; a stale If-Match stays 412.</summary>
    private static IResult? NotFromItsStatus(Outcome outcome, long version) =>
        outcome is Conflict<StatusChange.Current> conflict && conflict.Current.Version == version
            ? ApiProblems.Problem(StatusCodes.Status409Conflict, "Not from its status now", conflict.Message, new Dictionary<string, object?> { ["current"] = conflict.Current })
            : null;

    private static IQueryable<Meeting> Loaded(LeadsDbContext db) =>
        db.Meetings.AsNoTracking().Include(m => m.Company).Include(m => m.Team).Include(m => m.People);

    private static async Task<IResult> ListAsync(HttpRequest request, LeadsDbContext db, TimeProvider clock, int? companyId, MeetingStatus? status, bool? upcoming,
        string? after, CancellationToken cancellationToken)
    {
        // Offset paging, opaque to clients: meetings are few and sorted by their start, which is not unique.
        var skip = ApiCursors.Decode(after);
        if (after is not null && skip is not (>= 0 and <= int.MaxValue))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Use the next link as the API gave it."] });
        }
        var query = Loaded(db);
        if (companyId is { } company)
        {
            query = query.Where(m => m.CompanyId == company);
        }
        if (status is { } s)
        {
            query = query.Where(m => m.Status == s);
        }
        if (upcoming == true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            query = query.Where(m => m.Status == MeetingStatus.Planned && m.EndsAtUtc > now);
        }
        var from = (int)(skip ?? 0);
        var page = await query.OrderBy(m => m.StartsAtUtc).ThenBy(m => m.Id).Skip(from).Take(PageSize + 1).ToListAsync(cancellationToken);
        var next = page.Count > PageSize ? ApiCursors.Next(request, ApiCursors.Encode(from + PageSize)) : null;
        return TypedResults.Ok(new MeetingResourceList(page.Take(PageSize).Select(MeetingResource.Of).ToList(), next));
    }

    private static Task<IResult> GetAsync(int id, HttpContext http) => AnswerAsync(http, id, StatusCodes.Status200OK);

    private static async Task<IResult> AnswerAsync(HttpContext http, int id, int status)
    {
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var meeting = await Loaded(db).SingleOrDefaultAsync(m => m.Id == id, http.RequestAborted);
        if (meeting is null)
        {
            return ApiProblems.For(new NotFound("There is no such meeting."));
        }
        ETags.Set(http.Response, meeting.Version);
        var resource = MeetingResource.Of(meeting);
        return status == StatusCodes.Status201Created ? TypedResults.Created($"{ApiSetup.Root}/meetings/{id}", resource) : TypedResults.Ok(resource);
    }

    private static async Task<IResult> ScheduleAsync(MeetingBody body, HttpContext http, LeadsDbContext db, ScheduleMeeting scheduleMeeting, CancellationToken cancellationToken)
    {
        if (HasOffset(body.StartsLocal, body.EndsLocal))
        {
            return ApiProblems.For(new Invalid(nameof(MeetingBody.StartsLocal), LocalTimes));
        }
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var outcome = await scheduleMeeting.RunAsync(new ScheduleMeeting.Input(body.CompanyId, body.CompanyName, body.Kind, body.Area, body.Place, body.PlaceAddress,
            body.StartsLocal, body.EndsLocal, body.TeamMemberIds ?? [], body.PersonIds ?? [], body.ConfirmClashes) { SubmissionKey = key },
            await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<ScheduleMeeting.Scheduled> done ? await AnswerAsync(http, done.Value.Id, StatusCodes.Status201Created) : ApiProblems.For(outcome);
    }

    private static async Task<IResult> RescheduleAsync(int id, MeetingChangeBody body, HttpContext http, LeadsDbContext db, RescheduleMeeting reschedule,
        CancellationToken cancellationToken)
    {
        var (version, noMatch) = ETags.Expected(http.Request);
        if (noMatch is not null)
        {
            return noMatch;
        }
        if (HasOffset(body.StartsLocal, body.EndsLocal))
        {
            return ApiProblems.For(new Invalid(nameof(MeetingChangeBody.StartsLocal), LocalTimes));
        }
        var outcome = await reschedule.RunAsync(new RescheduleMeeting.Input(id, body.Kind, body.Area, body.Place, body.PlaceAddress, body.StartsLocal, body.EndsLocal,
            body.TeamMemberIds ?? [], body.PersonIds ?? [], body.ConfirmClashes, version), await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<StatusChange.Changed>
            ? await AnswerAsync(http, id, StatusCodes.Status200OK)
            : NotFromItsStatus(outcome, version) ?? ApiProblems.For(outcome);
    }

    private static bool HasOffset(DateTime? starts, DateTime? ends) =>
        starts is { Kind: not DateTimeKind.Unspecified } || ends is { Kind: not DateTimeKind.Unspecified };
}
