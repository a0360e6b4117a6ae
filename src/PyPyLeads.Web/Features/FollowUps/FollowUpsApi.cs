using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>
/// A follow-up as the API shows it: due at an instant (UTC), with its owner's time zone (<see cref="TimeZone"/>, IANA),
/// in which their reminder and digest speak; <see cref="Overdue"/> when still open after it.
/// </summary>
public sealed record FollowUpResource(int Id, int CompanyId, string CompanyName, string? SubjectType, int? SubjectId, string OwnerUserId, string OwnerName,
    DateTime DueAt, string TimeZone, FollowUpState State, bool Overdue, string? Note, DateTime? DoneAt, DateTime? CancelledAt, string? DeliveryError, long Version);

/// <summary>A page of follow-ups, soonest due first; <see cref="Next"/> is the next page's address.</summary>
public sealed record FollowUpList(IReadOnlyList<FollowUpResource> Items, string? Next);

/// <summary>A follow-up to schedule with a company (optionally about one of its deals, meetings or presentation requests).</summary>
/// <param name="SubjectType">Deal, Meeting or PresentationRequest; null for the company itself.</param>
/// <param name="OwnerUserId">Who is reminded; the token's user when left out.</param>
/// <param name="DueAt">When, as an instant with its offset or UTC; before the Eurostars end.</param>
public sealed record FollowUpBody(int CompanyId, string? SubjectType, int? SubjectId, string? OwnerUserId, DateTimeOffset? DueAt, string? Note);

/// <param name="For">"15m", "1h", or "tomorrow" (09:00 in the owner's zone).</param>
public sealed record SnoozeBody(string? For);

/// <summary>Follow-ups through the API: mine (open, overdue, due today), one, schedule, complete, snooze, cancel.</summary>
public static class FollowUpsApi
{
    public const int PageSize = 100;

    /// <summary>Which of my follow-ups: all open ones, the overdue ones, or those due by the end of my today (overdue included).</summary>
    public static readonly IReadOnlyList<string> Which = ["open", "overdue", "due"];

    public static void MapFollowUpsApi(this RouteGroupBuilder api)
    {
        var followUps = api.MapGroup("/followups").WithTags("Follow-ups");
        followUps.MapGet("", MineAsync).WithName("MyFollowUps")
            .WithSummary("My open follow-ups: all (`open`), `overdue`, or `due` by the end of my today in my time zone")
            .Produces<FollowUpList>()
            .ProducesValidationProblem();
        followUps.MapGet("/{id:int}", GetAsync).WithName("GetFollowUp")
            .WithSummary("One follow-up")
            .Produces<FollowUpResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        followUps.MapPost("", ScheduleAsync).WithName("ScheduleFollowUp")
            .WithSummary("Schedule a follow-up; its owner is reminded by e-mail and in the app when it falls due")
            .Produces<FollowUpResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .Writes().Idempotent();
        followUps.MapPost("/{id:int}/complete", CompleteAsync).WithName("CompleteFollowUp")
            .WithSummary("Mark it done")
            .Produces<FollowUpResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
        followUps.MapPost("/{id:int}/snooze", SnoozeAsync).WithName("SnoozeFollowUp")
            .WithSummary("Remind again later: in 15 minutes, an hour, or tomorrow at 09:00")
            .Produces<FollowUpResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
        followUps.MapPost("/{id:int}/cancel", CancelAsync).WithName("CancelFollowUp")
            .WithSummary("Cancel it")
            .Produces<FollowUpResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
    }

    private static IQueryable<FollowUpResource> Resources(LeadsDbContext db, IQueryable<FollowUp> followUps, DateTime nowUtc) =>
        from f in followUps
        join u in db.Users on f.OwnerUserId equals u.Id
        select new FollowUpResource(f.Id, f.CompanyId, f.Company!.Name, f.SubjectType, f.SubjectId, f.OwnerUserId, u.DisplayName, f.DueAtUtc, u.TimeZoneId,
            f.State, f.State != FollowUpState.Done && f.State != FollowUpState.Cancelled && f.DueAtUtc < nowUtc, f.Note, f.DoneAtUtc, f.CancelledAtUtc,
            f.State == FollowUpState.Failed ? f.LastError : null, f.Version);

    private static async Task<IResult> MineAsync(HttpContext http, LeadsDbContext db, TimeProvider clock, string? which, string? after, CancellationToken cancellationToken)
    {
        if (which is not null && !Which.Contains(which))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["which"] = ["Use open, overdue or due."] });
        }
        var caller = await http.User.CallerAsync(db, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.FollowUps.AsNoTracking().Open().Where(f => f.OwnerUserId == caller.UserId);
        switch (which)
        {
            case "overdue":
                mine = mine.Where(f => f.DueAtUtc < now);
                break;
            case "due":
                var endOfToday = Zones.ToUtc(DateOnly.FromDateTime(Zones.ToLocal(now, caller.TimeZoneId)).AddDays(1).ToDateTime(TimeOnly.MinValue), caller.TimeZoneId);
                mine = mine.Where(f => f.DueAtUtc < endOfToday);
                break;
        }
        // Soonest first; the cursor is the last row's (due, id).
        if (ApiCursors.Decode(after) is { } position && await db.FollowUps.Where(f => f.Id == position).Select(f => (DateTime?)f.DueAtUtc).SingleOrDefaultAsync(cancellationToken) is { } at)
        {
            mine = mine.Where(f => f.DueAtUtc > at || (f.DueAtUtc == at && f.Id > position));
        }
        var page = await Resources(db, mine.OrderBy(f => f.DueAtUtc).ThenBy(f => f.Id), now).Take(PageSize + 1).ToListAsync(cancellationToken);
        var next = page.Count > PageSize ? ApiCursors.Next(http.Request, ApiCursors.Encode(page[PageSize - 1].Id)) : null;
        return TypedResults.Ok(new FollowUpList(page.Take(PageSize).ToList(), next));
    }

    private static Task<IResult> GetAsync(int id, HttpContext http) => AnswerAsync(http, id, created: false);

    private static async Task<IResult> AnswerAsync(HttpContext http, int id, bool created)
    {
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var followUp = await Resources(db, db.FollowUps.AsNoTracking().Where(f => f.Id == id), now).SingleOrDefaultAsync(http.RequestAborted);
        if (followUp is null)
        {
            return ApiProblems.For(new NotFound("There is no such follow-up."));
        }
        ETags.Set(http.Response, followUp.Version);
        return created ? TypedResults.Created($"{ApiSetup.Root}/followups/{id}", followUp) : TypedResults.Ok(followUp);
    }

    private static async Task<IResult> ScheduleAsync(FollowUpBody body, HttpContext http, LeadsDbContext db, ScheduleFollowUp scheduleFollowUp, CancellationToken cancellationToken)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var caller = await http.User.CallerAsync(db, cancellationToken);
        var outcome = await scheduleFollowUp.RunAsync(new ScheduleFollowUp.Input(body.CompanyId, body.SubjectType, body.SubjectId, body.OwnerUserId ?? caller.UserId,
            body.DueAt?.UtcDateTime, body.Note) { SubmissionKey = key }, caller, cancellationToken);
        return outcome switch
        {
            Done<ScheduleFollowUp.Scheduled> done => await AnswerAsync(http, done.Value.FollowUpId, created: true),
            // The rules name the use case's field; the API's is dueAt.
            Invalid invalid => ApiProblems.For(new Invalid(invalid.Errors.Select(e => e.Field is "DueAtUtc" or "DueLocal" ? e with { Field = "DueAt" } : e).ToList())),
            _ => ApiProblems.For(outcome),
        };
    }

    private static Task<IResult> CompleteAsync(int id, HttpContext http, CompleteFollowUp complete) =>
        ApiChanges.RunAsync<CompleteFollowUp.Completed>(http, null, "followups.complete",
            (caller, version) => complete.RunAsync(new CompleteFollowUp.Input(id, version), caller, http.RequestAborted),
            _ => AnswerAsync(http, id, created: false));

    private static Task<IResult> SnoozeAsync(int id, SnoozeBody body, HttpContext http, SnoozeFollowUp snooze) =>
        ApiChanges.RunAsync<SnoozeFollowUp.Snoozed>(http, body, "followups.snooze",
            (caller, version) => snooze.RunAsync(new SnoozeFollowUp.Input(id, body.For, version), caller, http.RequestAborted),
            _ => AnswerAsync(http, id, created: false));

    private static Task<IResult> CancelAsync(int id, HttpContext http, CancelFollowUp cancel) =>
        ApiChanges.RunAsync<CancelFollowUp.Cancelled>(http, null, "followups.cancel",
            (caller, version) => cancel.RunAsync(new CancelFollowUp.Input(id, version), caller, http.RequestAborted),
            _ => AnswerAsync(http, id, created: false));
}
