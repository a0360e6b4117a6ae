using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.Submissions;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Submissions;

/// <summary>The submission store, through the use cases that run on it and directly, on a real SQLite file.</summary>
public sealed class SubmissionStoreTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2011, 3, 3, 18, 30, 0, TimeSpan.FromHours(-8)));
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;
    private Caller _armin = null!;
    private int _yelp;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app => app.Clock = _clock);
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);
        _yelp = await _rig.CompanyAsync("Yelp");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> AddPerson(string name, string? key, Caller? caller = null) =>
        _rig.RunAsync<AddPerson, Outcome>(u => u.RunAsync(new AddPerson.Input(_yelp, name, null, null, null) { SubmissionKey = key }, caller ?? _laura, CancellationToken.None));

    private Task<Outcome> AddStay(string? key, int day) =>
        _rig.RunAsync<AddTeamStay, Outcome>(u => u.RunAsync(
            new AddTeamStay.Input(1, "Bay Area", new DateTime(2011, 3, day, 9, 0, 0), new DateTime(2011, 3, day, 18, 0, 0)) { SubmissionKey = key }, _laura, CancellationToken.None));

    private Task<int> PeopleCalled(string name) => _rig.DbAsync(db => db.People.CountAsync(p => p.Name == name));

    [Fact]
    public async Task A_repeat_answers_with_the_first_done_and_creates_nothing()
    {
        var first = Assert.IsType<Done<AddPerson.Added>>(await AddPerson("Jane Doe", "k1"));
        var again = Assert.IsType<Done<AddPerson.Added>>(await AddPerson("Jane Doe", "k1"));

        Assert.Equal(first.Value, again.Value);
        Assert.Equal(1, await PeopleCalled("Jane Doe"));
        Assert.Equal(1, await _rig.DbAsync(db => db.Submissions.CountAsync()));
    }

    [Fact]
    public async Task Two_submits_at_once_with_one_key_create_once_and_both_get_the_same_done()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AddPerson("Jane Doe", "k1")));

        var people = outcomes.Select(o => Assert.IsType<Done<AddPerson.Added>>(o).Value.PersonId).Distinct();
        Assert.Single(people);
        Assert.Equal(1, await PeopleCalled("Jane Doe"));
    }

    [Fact]
    public async Task A_refusal_is_not_remembered_so_the_corrected_submit_with_the_same_key_is_done_once()
    {
        Assert.IsType<Invalid>(await AddPerson("", "k1"));
        Assert.Equal(0, await _rig.DbAsync(db => db.Submissions.CountAsync()));

        var done = Assert.IsType<Done<AddPerson.Added>>(await AddPerson("Jane Doe", "k1"));
        Assert.Equal(done.Value, Assert.IsType<Done<AddPerson.Added>>(await AddPerson("Jane Doe", "k1")).Value);
        Assert.Equal(1, await PeopleCalled("Jane Doe"));
    }

    [Fact]
    public async Task Another_users_key_or_another_forms_key_is_another_submission()
    {
        var lauras = Assert.IsType<Done<AddPerson.Added>>(await AddPerson("Jane Doe", "k1"));

        var armins = Assert.IsType<Done<AddPerson.Added>>(await AddPerson("John Doe", "k1", _armin));
        var stay = Assert.IsType<Done<AddTeamStay.Added>>(await AddStay("k1", day: 4));

        Assert.NotEqual(lauras.Value.PersonId, armins.Value.PersonId);
        Assert.Equal(1, await PeopleCalled("John Doe"));
        Assert.True(await _rig.DbAsync(db => db.TeamStays.AnyAsync(s => s.Id == stay.Value.StayId)));
    }

    [Fact]
    public async Task The_key_and_the_records_are_committed_together_or_not_at_all()
    {
        var once = new Submission(_laura.UserId, "Test", "k1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => InStoreAsync((store, db) => store.InTransactionAsync<int>(once, async ct =>
        {
            db.Companies.Add(NewCompany("Halfway Inc."));
            await db.SaveChangesAsync(ct);
            throw new InvalidOperationException("the process fails after the first write");
        }, CancellationToken.None)));
        Assert.False(await _rig.DbAsync(db => db.Companies.AnyAsync(c => c.Name == "Halfway Inc.")));
        Assert.Equal(0, await _rig.DbAsync(db => db.Submissions.CountAsync()));

        var done = await InStoreAsync((store, db) => store.InTransactionAsync<int>(once, async ct =>
        {
            var company = NewCompany("Whole Inc.");
            db.Companies.Add(company);
            await db.SaveChangesAsync(ct);
            return new Done<int>(company.Id);
        }, CancellationToken.None));
        Assert.Equal(Assert.IsType<Done<int>>(done).Value, await _rig.DbAsync(db => db.Companies.Where(c => c.Name == "Whole Inc.").Select(c => c.Id).SingleAsync()));
        Assert.Equal(1, await _rig.DbAsync(db => db.Submissions.CountAsync(s => s.Form == "Test" && s.Key == "k1")));
    }

    [Fact]
    public async Task Keys_are_pruned_after_a_day_and_a_pruned_key_is_a_fresh_submission()
    {
        var old = Assert.IsType<Done<AddTeamStay.Added>>(await AddStay("old", day: 4));
        _clock.Advance(TimeSpan.FromHours(23));
        Assert.IsType<Done<AddTeamStay.Added>>(await AddStay("young", day: 5));
        _clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, await _rig.RunAsync<SubmissionJobs, int>(async jobs =>
        {
            await jobs.PruneAsync(CancellationToken.None);
            return await _rig.DbAsync(db => db.Submissions.CountAsync());
        }));
        Assert.Equal(["young"], await _rig.DbAsync(db => db.Submissions.Select(s => s.Key).ToListAsync()));
        var again = Assert.IsType<Done<AddTeamStay.Added>>(await AddStay("old", day: 4));
        Assert.NotEqual(old.Value.StayId, again.Value.StayId);
    }

    [Fact]
    public async Task A_result_with_a_secret_is_stored_protected_and_answered_again_whole()
    {
        var first = Assert.IsType<Done<CreateCalendarFeed.Created>>(await CreateFeed("k1"));
        var again = Assert.IsType<Done<CreateCalendarFeed.Created>>(await CreateFeed("k1"));

        Assert.Equal(first.Value.Token, again.Value.Token);
        Assert.Equal(1, await _rig.DbAsync(db => db.CalendarFeeds.CountAsync()));
        var stored = await _rig.DbAsync(db => db.Submissions.Select(s => s.Result).SingleAsync());
        Assert.DoesNotContain(first.Value.Token, stored, StringComparison.Ordinal);

        Task<Outcome> CreateFeed(string key) =>
            _rig.RunAsync<CreateCalendarFeed, Outcome>(u => u.RunAsync(new CreateCalendarFeed.Input(key), _laura, CancellationToken.None));
    }

    [Theory]
    [InlineData("3f2504e04f8911d39a0c0305e82c3301", true)]
    [InlineData("any-Idempotency-Key_123", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("two words", false)]
    [InlineData("tab\tkey", false)]
    [InlineData("clé", false)]
    public void A_usable_key_is_printable_ascii_without_spaces(string? key, bool usable) =>
        Assert.Equal(usable, Submission.IsUsable(key));

    [Fact]
    public void A_usable_key_is_at_most_100_characters() =>
        Assert.Equal((true, false), (Submission.IsUsable(new string('k', 100)), Submission.IsUsable(new string('k', 101))));

    private async Task<T> InStoreAsync<T>(Func<SubmissionStore, LeadsDbContext, Task<T>> work)
    {
        await using var scope = _rig.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SubmissionStore>(), scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    private static Company NewCompany(string name) => new() { Name = name, NameKey = CompanyKeys.Name(name), CreatedAtUtc = new DateTime(2011, 3, 4, 0, 0, 0, DateTimeKind.Utc) };
}
