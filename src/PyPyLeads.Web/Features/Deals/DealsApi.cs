using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Deals;

/// <summary>An amount of money: a decimal string (as many decimals as the currency has) and its ISO 4217 currency.</summary>
public sealed record MoneyAmount(string Amount, string Currency)
{
    public static MoneyAmount? Of(decimal? value, string currency) =>
        value is { } v ? new(v.ToString("F" + Money.Decimals(currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), currency) : null;
}

/// <summary>A deal as the API shows it. <see cref="ExpectedCloseOn"/> is a calendar date; the instants are UTC.</summary>
public sealed record DealResource(int Id, int CompanyId, string CompanyName, int ConsultancyId, string Consultancy, DealKind Kind, string? Title, DealStage Stage,
    MoneyAmount? Value, int Probability, DateOnly ExpectedCloseOn, string OwnerUserId, string? Notes, string? LostReason, DateTime CreatedAt,
    DateTime StageChangedAt, DateTime? ClosedAt, long Version)
{
    public static DealResource Of(Deal d) => new(d.Id, d.CompanyId, d.Company?.Name ?? "", d.ConsultancyId, PyPyLeads.Tour.Consultancy.Describe(d.ConsultancyId),
        d.Kind, d.Title, d.Stage, MoneyAmount.Of(d.Value, d.Currency), d.Probability, d.ExpectedCloseOn, d.OwnerUserId, d.Notes, d.LostReason, d.CreatedAtUtc,
        d.StageChangedAtUtc, d.ClosedAtUtc, d.Version);
}

/// <summary>A page of deals, newest first; <see cref="Next"/> is the next page's address.</summary>
public sealed record DealList(IReadOnlyList<DealResource> Items, string? Next);

/// <summary>A deal's fields.</summary>
/// <param name="Value">A decimal string in <see cref="Currency"/> ("12000.00"); null for not known yet.</param>
/// <param name="Currency">The reporting currency or one with a rate (EUR, USD, SEK by default).</param>
/// <param name="Probability">0-100; null means the stage's default.</param>
/// <param name="ConsultancyId">Read from admins only: the lead's when left out.</param>
/// <param name="OwnerUserId">Read from admins only: the caller when left out.</param>
public sealed record DealBody(int CompanyId, DealKind? Kind, string? Title, DealStage? Stage, string? Value, string? Currency, int? Probability,
    DateOnly? ExpectedCloseOn, string? Notes, int? ConsultancyId, string? OwnerUserId);

/// <summary>A deal's fields to replace (its stage moves with <c>/move</c>).</summary>
public sealed record DealEditBody(DealKind? Kind, string? Title, string? Value, string? Currency, int? Probability, DateOnly? ExpectedCloseOn, string? Notes,
    int? ConsultancyId, string? OwnerUserId);

/// <param name="LostReason">Needed when moving to Lost.</param>
public sealed record MoveBody(DealStage? Stage, string? LostReason);

/// <summary>Deals through the API: the pipeline by stage and consultancy, one deal, open, edit, move between stages.</summary>
public static class DealsApi
{
    public const int PageSize = 50;

    public static void MapDealsApi(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").WithTags("Deals");
        deals.MapGet("", ListAsync).WithName("ListDeals")
            .WithSummary("List deals, newest first, by stage and consultancy")
            .Produces<DealList>();
        deals.MapGet("/{id:int}", GetAsync).WithName("GetDeal")
            .WithSummary("One deal")
            .Produces<DealResource>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        deals.MapPost("", OpenAsync).WithName("OpenDeal")
            .WithSummary("Open a deal on an assigned lead")
            .WithDescription("Admins, and members on their consultancy's leads; an unassigned lead is assigned by an admin first.")
            .Produces<DealResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .Writes().Idempotent();
        deals.MapPut("/{id:int}", EditAsync).WithName("EditDeal")
            .WithSummary("Change a deal's fields")
            .Produces<DealResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().NeedsIfMatch();
        deals.MapPost("/{id:int}/move", MoveAsync).WithName("MoveDeal")
            .WithSummary("Move a deal to another stage (Won and Lost close it)")
            .Produces<DealResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
    }

    private static async Task<IResult> ListAsync(HttpRequest request, LeadsDbContext db, DealStage? stage, int? consultancy, string? after, CancellationToken cancellationToken)
    {
        var query = db.Deals.AsNoTracking().Include(d => d.Company).AsQueryable();
        if (stage is { } s)
        {
            query = query.Where(d => d.Stage == s);
        }
        if (consultancy is { } c)
        {
            query = query.Where(d => d.ConsultancyId == c);
        }
        if (ApiCursors.Decode(after) is { } before)
        {
            query = query.Where(d => d.Id < before);
        }
        var page = await query.OrderByDescending(d => d.Id).Take(PageSize + 1).ToListAsync(cancellationToken);
        var next = page.Count > PageSize ? ApiCursors.Next(request, ApiCursors.Encode(page[PageSize - 1].Id)) : null;
        return TypedResults.Ok(new DealList(page.Take(PageSize).Select(DealResource.Of).ToList(), next));
    }

    private static Task<IResult> GetAsync(int id, HttpContext http) => AnswerAsync(http, id, created: false);

    internal static async Task<IResult> AnswerAsync(HttpContext http, int id, bool created)
    {
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var deal = await db.Deals.AsNoTracking().Include(d => d.Company).SingleOrDefaultAsync(d => d.Id == id, http.RequestAborted);
        if (deal is null)
        {
            return ApiProblems.For(new NotFound("There is no such deal."));
        }
        ETags.Set(http.Response, deal.Version);
        return created ? TypedResults.Created($"{ApiSetup.Root}/deals/{id}", DealResource.Of(deal)) : TypedResults.Ok(DealResource.Of(deal));
    }

    private static string? Text(int? probability) => probability?.ToString(CultureInfo.InvariantCulture);

    private static string? Text(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<IResult> OpenAsync(DealBody body, HttpContext http, LeadsDbContext db, OpenDeal openDeal, CancellationToken cancellationToken)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var outcome = await openDeal.RunAsync(new OpenDeal.Input(body.CompanyId, body.Kind, body.Title, body.Stage, body.Value, body.Currency, Text(body.Probability),
            Text(body.ExpectedCloseOn), body.Notes, body.ConsultancyId, body.OwnerUserId) { SubmissionKey = key }, await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<OpenDeal.Opened> done ? await AnswerAsync(http, done.Value.DealId, created: true) : ApiProblems.For(outcome);
    }

    private static Task<IResult> EditAsync(int id, DealEditBody body, HttpContext http, EditDeal editDeal) =>
        ApiChanges.RunAsync<EditDeal.Saved>(http, body, "deals.edit",
            (caller, version) => editDeal.RunAsync(new EditDeal.Input(id, body.Kind, body.Title, body.Value, body.Currency, Text(body.Probability),
                Text(body.ExpectedCloseOn), body.Notes, body.ConsultancyId, body.OwnerUserId, version), caller, http.RequestAborted),
            _ => AnswerAsync(http, id, created: false));

    private static Task<IResult> MoveAsync(int id, MoveBody body, HttpContext http, MoveDeal moveDeal) =>
        ApiChanges.RunAsync<MoveDeal.Moved>(http, body, "deals.move",
            (caller, version) => moveDeal.RunAsync(new MoveDeal.Input(id, body.Stage, body.LostReason, version), caller, http.RequestAborted),
            _ => AnswerAsync(http, id, created: false));
}
