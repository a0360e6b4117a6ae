using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The merge-two-people use case, called directly on a real SQLite file.</summary>
public sealed class MergePeopleTests : CompanyUseCaseTests
{
    /// <summary>Merges from a page showing the two people's versions now (a fresh page), or <paramref name="seen"/>.</summary>
    private async Task<Outcome> Merge(int keep, int? other, Caller caller, (long Keep, long Other)? seen = null)
    {
        var versions = seen ?? (await VersionAsync(keep), other is { } id ? await VersionAsync(id) : 0);
        return await Run<MergePeople>(u => u.RunAsync(new MergePeople.Input(keep, other, versions.Keep, versions.Other), caller, CancellationToken.None));
    }

    private Task<long> VersionAsync(int personId) => Rig.DbAsync(db => db.People.Where(p => p.Id == personId).Select(p => p.Version).SingleOrDefaultAsync());

    [Fact]
    public async Task A_member_merges_two_people_and_the_encounters_and_missing_details_move_to_the_one_kept()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => c.ConsultancyId = Consultancy.OpenEndId);
        var jane = await PersonAsync(yelp, "Jane Doe");
        var other = await PersonAsync(yelp, "Jane D.", "jane@yelp.com");

        var merged = Assert.IsType<Done<MergePeople.Merged>>(await Merge(jane, other, Armin)).Value;

        Assert.Equal((jane, yelp, "Merged."), (merged.PersonId, merged.CompanyId, merged.Message));
        var people = await Rig.DbAsync(db => db.People.AsNoTracking().OrderBy(p => p.Id).ToListAsync());
        Assert.Equal(("Jane Doe", "jane@yelp.com", null), (people[0].Name, people[0].Email, people[0].DeletedAtUtc));
        Assert.Equal(jane, people[1].MergedIntoPersonId);
        Assert.Equal([jane, jane], await Rig.DbAsync(db => db.Encounters.Select(e => e.PersonId!.Value).ToListAsync()));
        var entry = Assert.Single(await TimelineAsync(yelp));
        Assert.Equal((CompanyTimeline.PersonMerged, "Armin Rigo merged the person “Jane D.” into “Jane Doe”", "Armin Rigo"), (entry.Kind, entry.Summary, entry.ActorName));
    }

    [Fact]
    public async Task Nobody_chosen_or_the_same_person_twice_is_refused()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe");

        Assert.Equal(new FieldError("OtherId", "Choose the other person."), Assert.Single(Assert.IsType<Invalid>(await Merge(jane, null, Armin)).Errors));
        Assert.Equal(new FieldError("OtherId", "Choose two different people."), Assert.Single(Assert.IsType<Invalid>(await Merge(jane, jane, Armin)).Errors));
        Assert.Empty(await TimelineAsync(yelp));
    }

    [Fact]
    public async Task People_at_two_companies_are_not_merged()
    {
        var jane = await PersonAsync(await Rig.CompanyAsync("Yelp"), "Jane Doe");
        var other = await PersonAsync(await Rig.CompanyAsync("Google"), "Jane Doe");

        var invalid = Assert.IsType<Invalid>(await Merge(jane, other, Laura));

        Assert.Equal(new FieldError("OtherId", "Only people at the same company can be merged; merge the companies first."), Assert.Single(invalid.Errors));
        Assert.Equal(0, await Rig.DbAsync(db => db.People.CountAsync(p => p.DeletedAtUtc != null)));
    }

    [Fact]
    public async Task A_person_merged_already_is_not_found()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe");
        var other = await PersonAsync(yelp, "Jane D.");
        Assert.IsType<Done<MergePeople.Merged>>(await Merge(jane, other, Laura));

        Assert.Equal("One of the two people has been removed or merged meanwhile.", Assert.IsType<NotFound>(await Merge(jane, other, Laura)).Message);
        Assert.IsType<NotFound>(await Merge(other, jane, Laura));
    }

    [Fact]
    public async Task A_merge_decided_before_the_other_person_was_edited_merges_nothing_and_gives_their_versions_now()
    {
        var yelp = await Rig.CompanyAsync("Yelp");
        var jane = await PersonAsync(yelp, "Jane Doe");
        var other = await PersonAsync(yelp, "Jane D.");
        var seen = (await VersionAsync(jane), await VersionAsync(other));
        var version = await VersionAsync(other);
        Assert.IsType<Done<EditPerson.Saved>>(await Run<EditPerson>(u => u.RunAsync(new EditPerson.Input(other, "Janet Dow", "CTO", "janet@yelp.com", null, version),
            Laura, CancellationToken.None)));

        var conflict = Assert.IsType<Conflict<MergePeople.Current>>(await Merge(jane, other, Armin, seen));

        Assert.Equal(new MergePeople.Current(jane, seen.Item1, other, await VersionAsync(other)), conflict.Current);
        Assert.Equal(MergePeople.ChangedMeanwhile, conflict.Message);
        Assert.Equal(0, await Rig.DbAsync(db => db.People.CountAsync(p => p.DeletedAtUtc != null)));
        Assert.DoesNotContain(await TimelineAsync(yelp), t => t.Kind == CompanyTimeline.PersonMerged);
    }
}
