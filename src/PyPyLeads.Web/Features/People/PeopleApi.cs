using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.People;

/// <summary>One person with the company they are at. <see cref="PersonResource.Version"/> is also the ETag.</summary>
public sealed record PersonDetail(PersonResource Person, int CompanyId, string CompanyName);

/// <summary>A person's fields, to add them or to replace them.</summary>
public sealed record PersonRequest(string? Name, string? Role, string? Email, string? Phone);

/// <summary>Merge another person of the same company into this one (the one addressed is kept).</summary>
/// <param name="OtherVersion">The other person's version as read (their ETag); the kept one's is the If-Match.</param>
public sealed record PersonMergeBody(int? OtherId, long OtherVersion);

/// <summary>The people's endpoints of the JSON API: a company's people, one person, add, edit, merge, as the company and person pages do.</summary>
public static class PeopleApi
{
    public static void MapPeopleApi(this RouteGroupBuilder api)
    {
        var people = api.MapGroup("").WithTags("People");
        people.MapGet("/companies/{id:int}/people", ListAsync).WithName("ListPeople")
            .WithSummary("A company's people, by name")
            .Produces<IReadOnlyList<PersonResource>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        people.MapGet("/people/{id:int}", GetAsync).WithName("GetPerson")
            .WithSummary("One person, with their company")
            .Produces<PersonDetail>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        people.MapPost("/companies/{id:int}/people", AddAsync).WithName("AddPerson")
            .WithSummary("Add a person at a company")
            .WithDescription("Admins, and members at their consultancy's or unassigned companies. An e-mail address someone at the company has already " +
                             "is not duplicated: 409 with the `matches` (edit or merge them instead).")
            .Produces<PersonResource>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .Writes().Idempotent();
        people.MapPut("/people/{id:int}", EditAsync).WithName("EditPerson")
            .WithSummary("Change a person's fields")
            .WithDescription("Replaces the person's fields. Admins, and members at their consultancy's or unassigned companies.")
            .Produces<PersonResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().NeedsIfMatch();
        people.MapPost("/people/{id:int}/merge", MergeAsync).WithName("MergePeople")
            .WithSummary("Merge another person of the same company into this one: their encounters move here, missing details are filled from theirs")
            .Produces<PersonResource>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Writes().Idempotent().NeedsIfMatch();
    }

    private static async Task<IResult> ListAsync(int id, LeadsDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Companies.AnyAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken))
        {
            return ApiProblems.For(new NotFound("There is no such company, or it was deleted."));
        }
        var people = await db.People.AsNoTracking().Where(p => p.CompanyId == id && p.DeletedAtUtc == null).OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Select(p => new PersonResource(p.Id, p.Name, p.Role, p.Email, p.Phone, p.Version)).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<PersonResource>>(people);
    }

    private static async Task<IResult> GetAsync(int id, HttpResponse response, LeadsDbContext db, CancellationToken cancellationToken)
    {
        var found = await db.People.AsNoTracking().Where(p => p.Id == id && p.DeletedAtUtc == null && p.Company!.DeletedAtUtc == null)
            .Select(p => new { Person = new PersonResource(p.Id, p.Name, p.Role, p.Email, p.Phone, p.Version), p.CompanyId, Company = p.Company!.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return ApiProblems.For(new NotFound("That person does not exist, or was removed or merged."));
        }
        ETags.Set(response, found.Person.Version);
        return TypedResults.Ok(new PersonDetail(found.Person, found.CompanyId, found.Company));
    }

    private static async Task<IResult> AddAsync(int id, PersonRequest body, HttpContext http, LeadsDbContext db, AddPerson addPerson, CancellationToken cancellationToken)
    {
        var (key, refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var outcome = await addPerson.RunAsync(new AddPerson.Input(id, body.Name, body.Role, body.Email, body.Phone) { SubmissionKey = key },
            await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        if (outcome is not Done<AddPerson.Added> done)
        {
            return ApiProblems.For(outcome);
        }
        var person = await AnswerAsync(http, done.Value.PersonId);
        return TypedResults.Created($"{ApiSetup.Root}/people/{person.Id}", person);
    }

    private static async Task<IResult> EditAsync(int id, PersonRequest body, HttpContext http, LeadsDbContext db, EditPerson editPerson, CancellationToken cancellationToken)
    {
        var (version, refusal) = ETags.Expected(http.Request);
        if (refusal is not null)
        {
            return refusal;
        }
        var outcome = await editPerson.RunAsync(new EditPerson.Input(id, body.Name, body.Role, body.Email, body.Phone, version),
            await http.User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<EditPerson.Saved> ? TypedResults.Ok(await AnswerAsync(http, id)) : ApiProblems.For(outcome);
    }

    private static Task<IResult> MergeAsync(int id, PersonMergeBody body, HttpContext http, MergePeople mergePeople) =>
        ApiChanges.RunAsync<MergePeople.Merged>(http, body, "people.merge",
            (caller, version) => mergePeople.RunAsync(new MergePeople.Input(id, body.OtherId, version, body.OtherVersion), caller, http.RequestAborted),
            async done => TypedResults.Ok(await AnswerAsync(http, done.PersonId)));

    /// <summary>The person as saved, with their version as the ETag.</summary>
    private static async Task<PersonResource> AnswerAsync(HttpContext http, int personId)
    {
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var person = await db.People.AsNoTracking().Where(p => p.Id == personId)
            .Select(p => new PersonResource(p.Id, p.Name, p.Role, p.Email, p.Phone, p.Version)).SingleAsync(http.RequestAborted);
        ETags.Set(http.Response, person.Version);
        return person;
    }
}
