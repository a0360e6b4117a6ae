using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>
/// What the companies' use-case tests share: the rig on the Yelp talk's clock, Laura (an admin of Open End) and
/// Armin (a member of Open End), and a quick way to put a person (with an encounter) at a company.
/// </summary>
public abstract class CompanyUseCaseTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(CompanyTestKit.AtYelpTalk);
    protected UseCaseRig Rig { get; private set; } = null!;
    protected Caller Laura { get; private set; } = null!;
    protected Caller Armin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Rig = UseCaseRig.Start(app => app.Clock = Clock);
        Laura = await Rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
        Armin = await Rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();

    protected Task<Outcome> Run<TUseCase>(Func<TUseCase, Task<Outcome>> call) where TUseCase : notnull => Rig.RunAsync(call);

    /// <summary>Adds a person at the company, met once there; returns the person's id.</summary>
    protected Task<int> PersonAsync(int companyId, string name, string? email = null, string? role = null, string? phone = null) => Rig.DbAsync(async db =>
    {
        var person = new Person
        {
            CompanyId = companyId, Name = name, Email = email, EmailKey = CompanyKeys.Email(email), Role = role, Phone = phone,
            CreatedAtUtc = Clock.GetUtcNow().UtcDateTime,
        };
        db.People.Add(person);
        await db.SaveChangesAsync();
        db.Encounters.Add(new Encounter { CompanyId = companyId, PersonId = person.Id, MetAtUtc = Clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync();
        await SearchIndex.RefreshAsync(db, [companyId], CancellationToken.None);
        return person.Id;
    });

    protected Task<List<PyPyLeads.Timeline.TimelineEntry>> TimelineAsync(int companyId) =>
        Rig.DbAsync(db => db.Timeline.Where(t => t.CompanyId == companyId).OrderBy(t => t.Id).ToListAsync());

    protected Task<Company> CompanyRowAsync(int id) => Rig.DbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == id));

    protected Task<List<string>> SearchTermsAsync(int companyId) =>
        Rig.DbAsync(db => db.CompanySearchTerms.Where(t => t.CompanyId == companyId).Select(t => t.Term).ToListAsync());
}
