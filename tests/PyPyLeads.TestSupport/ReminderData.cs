using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Timeline;

namespace PyPyLeads.TestSupport;

/// <summary>
/// Follow-ups written through the app's model straight into the SQLite database of an app that is not running, for the
/// reminder benchmark and the fault tests (posting thousands of forms would measure the forms). The app started next
/// treats them as after any restart: its start-up reconcile gives each waiting one a Hangfire job and sends those due.
/// </summary>
public static class ReminderData
{
    /// <summary>
    /// The app's database in <paramref name="dataDirectory"/>, opened from outside the app (as a second process would),
    /// without pooling: nothing stays open once the context is disposed.
    /// </summary>
    public static LeadsDbContext Open(string dataDirectory) => new(new DbContextOptionsBuilder<LeadsDbContext>()
        .UseSqlite($"Data Source={Path.Combine(dataDirectory, "pypyleads.db")};Default Timeout=30;Pooling=False", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly))
        .Options);

    /// <summary>
    /// Writes <paramref name="count"/> follow-ups with Yelp for the app's only user (the first admin), the i-th due at
    /// <paramref name="dueAt"/>(i), with the timeline entries the scheduler writes with each; returns their due instants by id.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, DateTime>> WriteDueAsync(string dataDirectory, int count, Func<int, DateTime> dueAt, CancellationToken cancellationToken = default)
    {
        var due = new Dictionary<int, DateTime>(count);
        await using (var db = Open(dataDirectory))
        {
            var owner = await db.Users.Select(u => u.Id).SingleAsync(cancellationToken);
            var now = DateTime.UtcNow;
            var company = new Company { Name = "Yelp", NameKey = CompanyKeys.Name("Yelp"), Source = LeadSource.TourStop, CreatedAtUtc = now };
            db.Companies.Add(company);
            await db.SaveChangesAsync(cancellationToken);
            var rows = new List<FollowUp>(count);
            for (var i = 0; i < count; i++)
            {
                var at = dueAt(i);
                rows.Add(new FollowUp
                {
                    CompanyId = company.Id,
                    OwnerUserId = owner,
                    CreatedByUserId = owner,
                    CreatedAtUtc = now,
                    DueAtUtc = at,
                    NextAttemptAtUtc = at,
                    State = FollowUpState.Scheduled,
                    Note = $"Follow-up {i + 1}",
                });
            }
            db.FollowUps.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
            // The timeline entries the scheduler writes with each follow-up, so the company's timeline is as in real use.
            db.Timeline.AddRange(rows.Select(f => new TimelineEntry
            {
                CompanyId = company.Id,
                AtUtc = now,
                Kind = "followup.scheduled",
                Summary = "Follow-up for Laura Creighton",
                Details = f.Note,
                ActorUserId = owner,
                ActorName = "Laura Creighton",
                SubjectType = "FollowUp",
                SubjectId = f.Id,
            }));
            await db.SaveChangesAsync(cancellationToken);
            foreach (var f in rows)
            {
                due[f.Id] = f.DueAtUtc;
            }
        }
        return due;
    }
}
