using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;

namespace PyPyLeads.Companies;

public sealed record MergeResult(int People, int PeopleMerged, int Encounters, int TimelineEntries, IReadOnlyList<FieldChange> TakenOver);

/// <summary>
/// Merging two companies or two people: everything attached to the one that goes moves to the one that stays,
/// empty fields of the survivor are filled from the other, the other is soft-deleted with a pointer to the
/// survivor, and a timeline entry on the survivor says what happened (including the other's old details, so
/// nothing is lost). The use cases (<see cref="MergeCompanies"/>, <see cref="MergePeople"/>) check who may merge
/// what and run this inside their transaction.
/// </summary>
public static class Merging
{
    /// <summary>Merges <paramref name="other"/> into <paramref name="survivor"/>: two live companies, loaded with their live people.</summary>
    public static async Task<MergeResult> MergeCompaniesAsync(LeadsDbContext db, Company survivor, Company other, Actor actor, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        var otherDetails = DescribeCompany(other);

        // The other company goes first, so that its name and domain keys are free for the survivor to take over.
        other.DeletedAtUtc = nowUtc;
        other.DeletedByUserId = actor.UserId;
        other.MergedIntoCompanyId = survivor.Id;
        await db.SaveChangesAsync(cancellationToken);

        var movedPeople = 0;
        var mergedPeople = 0;
        foreach (var person in other.People.ToList())
        {
            var same = person.EmailKey is null ? null : survivor.People.FirstOrDefault(p => p.EmailKey == person.EmailKey);
            if (same is not null)
            {
                // The same e-mail at both companies is one person: merge rather than break the unique key.
                await MergePeopleCoreAsync(db, same, person, actor, nowUtc, cancellationToken);
                mergedPeople++;
            }
            else
            {
                person.CompanyId = survivor.Id;
                movedPeople++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var (encounters, timeline) = await MoveCompanyRowsAsync(db, other.Id, survivor.Id, cancellationToken);

        var takenOver = CompanyTimeline.Changes(
            ("Web domain", survivor.WebDomain, survivor.WebDomain ?? other.WebDomain),
            ("City", survivor.City, survivor.City ?? other.City),
            ("Country", survivor.Country, survivor.Country ?? other.Country),
            ("Industry", survivor.Industry, survivor.Industry ?? other.Industry),
            ("Notes", survivor.Notes, JoinNotes(survivor.Notes, other.Notes, other.Name)));
        survivor.WebDomain ??= other.WebDomain;
        survivor.DomainKey ??= other.DomainKey;
        survivor.City ??= other.City;
        survivor.Country ??= other.Country;
        survivor.Industry ??= other.Industry;
        survivor.Notes = JoinNotes(survivor.Notes, other.Notes, other.Name);
        if (survivor.SourceTourStopId is null && other.SourceTourStopId is not null && survivor.Source == LeadSource.Other)
        {
            survivor.Source = other.Source;
            survivor.SourceTourStopId = other.SourceTourStopId;
        }
        // The assignment belongs to the deals feature; a merge only carries it over when the survivor has none.
        survivor.ConsultancyId ??= other.ConsultancyId;

        var details = new StringBuilder();
        details.Append(CultureInfo.InvariantCulture, $"Moved here: {Count(movedPeople, "person", "people")}, {Count(encounters, "encounter", "encounters")}, {Count(timeline, "timeline entry", "timeline entries")}.");
        if (mergedPeople > 0)
        {
            details.Append(CultureInfo.InvariantCulture, $" Merged {Count(mergedPeople, "person", "people")} with the same e-mail address at both.");
        }
        if (takenOver.Count > 0)
        {
            details.Append("\nTaken over from the merged company:\n").Append(CompanyTimeline.Describe(takenOver));
        }
        details.Append("\nThe merged company was: ").Append(otherDetails);
        db.Timeline.Add(TimelineEntry.For(survivor.Id, CompanyTimeline.CompanyMerged,
            $"{actor.Name} merged “{other.Name}” into this company", details.ToString(), actor, nowUtc, "Company", other.Id));
        await db.SaveChangesAsync(cancellationToken);

        await db.CompanySearchTerms.Where(t => t.CompanyId == other.Id).ExecuteDeleteAsync(cancellationToken);
        await SearchIndex.RefreshAsync(db, [survivor.Id], cancellationToken);
        return new MergeResult(movedPeople, mergedPeople, encounters, timeline, takenOver);
    }

    /// <summary>Merges <paramref name="other"/> into <paramref name="survivor"/>: two live people of the same company.</summary>
    public static async Task<MergeResult> MergePeopleAsync(LeadsDbContext db, Person survivor, Person other, Actor actor, DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        var (encounters, takenOver) = await MergePeopleCoreAsync(db, survivor, other, actor, nowUtc, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await SearchIndex.RefreshAsync(db, [survivor.CompanyId], cancellationToken);
        return new MergeResult(0, 1, encounters, 0, takenOver);
    }

    /// <summary>
    /// Moves every row that points at a company. Each feature that attaches rows to a company adds its own
    /// table here (deals, follow-ups, meetings, presentation requests...), so a merge never leaves them behind.
    /// Versioned rows get their version bumped, so an edit opened before the merge is refused, not lost.
    /// </summary>
    public static async Task<(int Encounters, int TimelineEntries)> MoveCompanyRowsAsync(LeadsDbContext db, int fromCompanyId, int toCompanyId, CancellationToken cancellationToken)
    {
        var encounters = await db.Encounters.Where(e => e.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.CompanyId, toCompanyId).SetProperty(e => e.Version, e => e.Version + 1), cancellationToken);
        var timeline = await db.Timeline.Where(t => t.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.CompanyId, toCompanyId), cancellationToken);
        // The other features' company-owned rows (they appear on the timeline, which moved above).
        await db.Deals.Where(d => d.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.CompanyId, toCompanyId).SetProperty(d => d.Version, d => d.Version + 1), cancellationToken);
        await db.PresentationRequests.Where(p => p.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.CompanyId, toCompanyId).SetProperty(p => p.Version, p => p.Version + 1), cancellationToken);
        await db.Meetings.Where(m => m.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CompanyId, toCompanyId).SetProperty(m => m.Version, m => m.Version + 1), cancellationToken);
        await db.FollowUps.Where(f => f.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.CompanyId, toCompanyId).SetProperty(f => f.Version, f => f.Version + 1), cancellationToken);
        await db.IntakeMessages.Where(m => m.CompanyId == fromCompanyId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CompanyId, toCompanyId).SetProperty(m => m.Version, m => m.Version + 1), cancellationToken);
        // Other features: move your company-owned rows here.
        // The moves above bypass SaveChanges: the dashboard's cached figures must still see them.
        await ChangeStamp.TouchAsync(db, ChangeStamp.Pipeline, cancellationToken);
        return (encounters, timeline);
    }

    /// <summary>Moves every row that points at a person. Features whose rows name a person (meetings, follow-ups...) add theirs here.</summary>
    public static async Task<int> MovePersonRowsAsync(LeadsDbContext db, int fromPersonId, int toPersonId, CancellationToken cancellationToken)
    {
        var encounters = await db.Encounters.Where(e => e.PersonId == fromPersonId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.PersonId, toPersonId).SetProperty(e => e.Version, e => e.Version + 1), cancellationToken);
        // A meeting may now list the survivor twice: drop the merged person where the survivor is already there.
        await db.Set<PyPyLeads.Schedule.MeetingPerson>()
            .Where(mp => mp.PersonId == fromPersonId && db.Set<PyPyLeads.Schedule.MeetingPerson>().Any(x => x.MeetingId == mp.MeetingId && x.PersonId == toPersonId))
            .ExecuteDeleteAsync(cancellationToken);
        await db.Set<PyPyLeads.Schedule.MeetingPerson>().Where(mp => mp.PersonId == fromPersonId)
            .ExecuteUpdateAsync(s => s.SetProperty(mp => mp.PersonId, toPersonId), cancellationToken);
        // Other features: move your person-owned rows here.
        return encounters;
    }

    private static async Task<(int Encounters, IReadOnlyList<FieldChange> TakenOver)> MergePeopleCoreAsync(
        LeadsDbContext db, Person survivor, Person other, Actor actor, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var otherDetails = DescribePerson(other);
        other.DeletedAtUtc = nowUtc;
        other.MergedIntoPersonId = survivor.Id;
        await db.SaveChangesAsync(cancellationToken); // frees the other's e-mail key for the survivor
        var encounters = await MovePersonRowsAsync(db, other.Id, survivor.Id, cancellationToken);
        var takenOver = CompanyTimeline.Changes(
            ("Role", survivor.Role, survivor.Role ?? other.Role),
            ("E-mail", survivor.Email, survivor.Email ?? other.Email),
            ("Phone", survivor.Phone, survivor.Phone ?? other.Phone));
        survivor.Role ??= other.Role;
        if (survivor.Email is null)
        {
            survivor.Email = other.Email;
            survivor.EmailKey = other.EmailKey;
        }
        survivor.Phone ??= other.Phone;
        var details = $"Moved to {survivor.Name}: {encounters} encounters." +
                      (takenOver.Count > 0 ? "\nTaken over:\n" + CompanyTimeline.Describe(takenOver) : "") +
                      "\nThe merged person was: " + otherDetails;
        db.Timeline.Add(TimelineEntry.For(survivor.CompanyId, CompanyTimeline.PersonMerged,
            $"{actor.Name} merged the person “{other.Name}” into “{survivor.Name}”", details, actor, nowUtc, "Person", survivor.Id));
        return (encounters, takenOver);
    }

    private static string? JoinNotes(string? mine, string? theirs, string theirName) =>
        string.IsNullOrWhiteSpace(theirs) ? mine
        : string.IsNullOrWhiteSpace(mine) ? theirs
        : mine + "\n\nFrom " + theirName + ":\n" + theirs;

    private static string DescribeCompany(Company c) =>
        Join(("Name", c.Name), ("Web domain", c.WebDomain), ("City", c.City), ("Country", c.Country), ("Industry", c.Industry),
            ("Source", LeadSources.Label(c.Source)), ("Notes", c.Notes)) + $" (#{c.Id})";

    private static string Count(int n, string one, string many) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many);

    private static string DescribePerson(Person p) =>
        Join(("Name", p.Name), ("Role", p.Role), ("E-mail", p.Email), ("Phone", p.Phone)) + $" (#{p.Id})";

    private static string Join(params (string Field, string? Value)[] fields) =>
        string.Join("; ", fields.Where(f => !string.IsNullOrEmpty(f.Value)).Select(f => $"{f.Field} “{f.Value}”"));
}
