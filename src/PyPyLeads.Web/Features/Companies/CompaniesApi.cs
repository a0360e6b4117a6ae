using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Companies;

/// <summary>A company as the API shows it. <see cref="Version"/> is also its ETag.</summary>
public sealed record CompanyResource(int Id, string Name, string? WebDomain, string? City, string? Country, string? Industry, string? Notes,
    LeadSource Source, int? SourceTourStopId, int? ConsultancyId, string? Consultancy, DateTime CreatedAt, long Version)
{
    public static CompanyResource Of(Company c) => new(c.Id, c.Name, c.WebDomain, c.City, c.Country, c.Industry, c.Notes, c.Source, c.SourceTourStopId,
        c.ConsultancyId, c.ConsultancyId is { } id ? PyPyLeads.Tour.Consultancy.Describe(id) : null, c.CreatedAtUtc, c.Version);
}

/// <summary>A row of the company list, as the list page shows it.</summary>
public sealed record CompanyListItem(int Id, string Name, string? WebDomain, string? City, string? Country, string? Consultancy, int People,
    DateTime? LastMetAt, string? LastTourStop);

/// <summary>A page of companies; <see cref="Next"/> is the address of the next page, null on the last.</summary>
public sealed record CompanyList(IReadOnlyList<CompanyListItem> Items, string? Next);

public sealed record PersonResource(int Id, string Name, string? Role, string? Email, string? Phone, long Version);

/// <summary>A line of a company's timeline: what happened, when (UTC), who did it.</summary>
public sealed record TimelineResource(long Id, DateTime At, string Kind, string Summary, string? Details, string? Actor);

/// <summary>One company with its people (the first <see cref="CompaniesApi.PeopleShown"/> by name) and its latest timeline lines.</summary>
public sealed record CompanyDetail(CompanyResource Company, IReadOnlyList<PersonResource> People, int PeopleCount, IReadOnlyList<TimelineResource> Timeline);

/// <summary>A company's own fields, to create or to replace them.</summary>
/// <param name="Source">How the lead came: TourStop, Referral, Website, Other (Other when left out).</param>
public sealed record CompanyRequest(string? Name, string? WebDomain, string? City, string? Country, string? Industry, string? Notes,
    LeadSource? Source, int? SourceTourStopId);

/// <summary>Merge another company into this one (the one addressed is kept).</summary>
/// <param name="OtherVersion">The other company's version as read (its ETag); the kept one's is the If-Match.</param>
public sealed record MergeBody(int OtherId, long OtherVersion);

/// <summary>The companies' endpoints of the JSON API: the list page's search and filters, one company, create, update, delete, restore, merge.</summary>
public static class CompaniesApi
{
    public const int PageSize = 50;
    public const int PeopleShown = 50;
    public const int TimelineShown = 20;

    public static void MapCompaniesApi(this RouteGroupBuilder api)
    {
        var companies = api.MapGroup("/companies").WithTags("Companies");
        companies.MapGet("", ListAsync).WithName("ListCompanies")
            .WithSummary("List companies")
            .WithDescription("The company list's search (`q`: name, domain, city, people) and filters (`stop`, `consultancy`: an id or `none`, `interest`), " +
                             "sorted by `name` (default), `newest` or `oldest`, 50 a page; follow `next` for the next page.")
            .Produces<CompanyList>()
            .ProducesValidationProblem();
        companies.MapGet("/{id:int}", GetAsync).WithName("GetCompany")
            .WithSummary("One company, with its people and latest timeline")
            .Produces<CompanyDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        companies.MapPost("", CreateAsync).WithName("CreateCompany")
            .WithSummary("Add a company")
            .WithDescription("Starts unassigned. A live company with the same name or web domain is not duplicated: 409 with the `matches`.")
            .Produces<CompanyResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().Idempotent();
        companies.MapPut("/{id:int}", UpdateAsync).WithName("UpdateCompany")
            .WithSummary("Change a company's fields")
            .WithDescription("Replaces the company's own fields. Admins, and members on their consultancy's or unassigned companies.")
            .Produces<CompanyResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().NeedsIfMatch();
        companies.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteCompany")
            .WithSummary("Delete a company (it leaves the lists and search; an admin can restore it)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes();
        companies.MapPost("/{id:int}/restore", RestoreAsync).WithName("RestoreCompany")
            .WithSummary("Restore a deleted company (admins)")
            .Produces<CompanyResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
        companies.MapPost("/{id:int}/merge", MergeAsync).WithName("MergeCompanies")
            .WithSummary("Merge another company into this one: its people, encounters, timeline and deals move here")
            .Produces<CompanyResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
    }

    private static async Task<IResult> DeleteAsync(int id, HttpContext http, LeadsDbContext db, DeleteCompany deleteCompany, CancellationToken cancellationToken)
    {
        var outcome = await deleteCompany.RunAsync(new DeleteCompany.Input(id), await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<DeleteCompany.Deleted> ? TypedResults.NoContent() : ApiProblems.For(outcome);
    }

    private static Task<IResult> RestoreAsync(int id, HttpContext http, RestoreCompany restoreCompany) =>
        ApiChanges.RunAsync<RestoreCompany.Restored>(http, null, "companies.restore",
            (caller, version) => restoreCompany.RunAsync(new RestoreCompany.Input(id, version), caller, http.RequestAborted),
            _ => AnswerAsync(http, id));

    private static Task<IResult> MergeAsync(int id, MergeBody body, HttpContext http, MergeCompanies mergeCompanies) =>
        ApiChanges.RunAsync<MergeCompanies.Merged>(http, body, "companies.merge",
            (caller, version) => mergeCompanies.RunAsync(new MergeCompanies.Input(id, body.OtherId, version, body.OtherVersion), caller, http.RequestAborted),
            done => AnswerAsync(http, done.CompanyId));

    private static async Task<IResult> AnswerAsync(HttpContext http, int id)
    {
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var company = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == id, http.RequestAborted);
        ETags.Set(http.Response, company.Version);
        return TypedResults.Ok(CompanyResource.Of(company));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, LeadsDbContext db, string? q, int? stop, string? consultancy, Interests? interest,
        string? sort, string? after, CancellationToken cancellationToken)
    {
        var query = new CompanyListQuery { Q = q, Stop = stop, Consultancy = consultancy, Interest = interest, Sort = sort, After = after };
        var position = Cursor.Decode(after);
        if (after is not null && position is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = ["Use the next link as the API gave it."] });
        }
        var sorted = query.SortOrDefault;
        var keys = await CompaniesController.Page(await CompaniesController.FilterAsync(db, query, cancellationToken), sorted, position, null)
            .Take(PageSize + 1).ToListAsync(cancellationToken);
        var hasMore = keys.Count > PageSize;
        keys = keys.Take(PageSize).ToList();
        var ids = keys.Select(k => k.Id).ToList();
        var rows = (await CompaniesController.RowsQuery(db, ids).ToListAsync(cancellationToken)).ToDictionary(r => r.Id);
        var items = keys.Where(k => rows.ContainsKey(k.Id)).Select(k => rows[k.Id]).Select(r => new CompanyListItem(r.Id, r.Name, r.WebDomain, r.City, r.Country,
            r.ConsultancyId is { } c ? Consultancy.Describe(c) : null, r.People, r.LastMetUtc,
            r.LastStopId is { } s ? ReferenceData.TourStops.FirstOrDefault(t => t.Id == s)?.Name : null)).ToList();
        var next = hasMore ? ApiCursors.Next(request, keys[^1].Cursor(sorted).Encode()) : null;
        return TypedResults.Ok(new CompanyList(items, next));
    }

    private static async Task<IResult> GetAsync(int id, HttpResponse response, LeadsDbContext db, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken);
        if (company is null)
        {
            return ApiProblems.For(new NotFound("There is no such company, or it was deleted."));
        }
        ETags.Set(response, company.Version);
        return TypedResults.Ok(await DetailAsync(db, company, cancellationToken));
    }

    internal static async Task<CompanyDetail> DetailAsync(LeadsDbContext db, Company company, CancellationToken cancellationToken)
    {
        var living = db.People.AsNoTracking().Where(p => p.CompanyId == company.Id && p.DeletedAtUtc == null);
        var people = await living.OrderBy(p => p.Name).ThenBy(p => p.Id).Take(PeopleShown)
            .Select(p => new PersonResource(p.Id, p.Name, p.Role, p.Email, p.Phone, p.Version)).ToListAsync(cancellationToken);
        var count = people.Count < PeopleShown ? people.Count : await living.CountAsync(cancellationToken);
        var timeline = await db.Timeline.AsNoTracking().Where(t => t.CompanyId == company.Id).OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id)
            .Take(TimelineShown).Select(t => new TimelineResource(t.Id, t.AtUtc, t.Kind, t.Summary, t.Details, t.ActorName)).ToListAsync(cancellationToken);
        return new CompanyDetail(CompanyResource.Of(company), people, count, timeline);
    }

    private static async Task<IResult> CreateAsync(CompanyRequest body, HttpContext http, LeadsDbContext db, CreateCompany createCompany, CancellationToken cancellationToken)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var outcome = await createCompany.RunAsync(new CreateCompany.Input(body.Name, body.WebDomain, body.City, body.Country, body.Industry, body.Notes,
            body.Source ?? LeadSource.Other, body.SourceTourStopId) { SubmissionKey = key }, await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<CreateCompany.Created> done)
        {
            return ApiProblems.For(outcome);
        }
        var company = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == done.Value.CompanyId, cancellationToken);
        ETags.Set(http.Response, company.Version);
        return TypedResults.Created($"{ApiSetup.Root}/companies/{company.Id}", CompanyResource.Of(company));
    }

    private static async Task<IResult> UpdateAsync(int id, CompanyRequest body, HttpContext http, LeadsDbContext db, EditCompany editCompany, CancellationToken cancellationToken)
    {
        var (version, refusal) = ETags.Expected(http.Request);
        if (refusal is not null)
        {
            return refusal;
        }
        var caller = await http.User.CallerAsync(db, cancellationToken);
        var source = body.Source ?? await db.Companies.Where(c => c.Id == id).Select(c => (LeadSource?)c.Source).SingleOrDefaultAsync(cancellationToken) ?? LeadSource.Other;
        var outcome = await editCompany.RunAsync(new EditCompany.Input(id, body.Name, body.WebDomain, body.City, body.Country, body.Industry, body.Notes,
            source, body.SourceTourStopId, version), caller, cancellationToken);
        if (outcome is not Done<EditCompany.Saved>)
        {
            return ApiProblems.For(outcome);
        }
        var company = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
        ETags.Set(http.Response, company.Version);
        return TypedResults.Ok(CompanyResource.Of(company));
    }
}
