using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Schedule;

namespace PyPyLeads.IntegrationTests.Security;

/// <summary>Records written straight to the database for the permission tests, each of a given consultancy (null: unassigned).</summary>
internal static class Seed
{
    public static readonly DateTime Now = new(2011, 3, 2, 17, 0, 0, DateTimeKind.Utc);
    private static int _next;

    public static async Task<int> CompanyAsync(LeadsDbContext db, int? consultancyId, string? name = null)
    {
        name ??= $"Company {Interlocked.Increment(ref _next)}";
        var company = new Company { Name = name, NameKey = CompanyKeys.Name(name), ConsultancyId = consultancyId, Source = LeadSource.Other, CreatedAtUtc = Now };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        await SearchIndex.RefreshAsync(db, [company.Id], CancellationToken.None);
        return company.Id;
    }

    public static async Task<int> PersonAsync(LeadsDbContext db, int companyId, string name)
    {
        var person = new Person { CompanyId = companyId, Name = name, CreatedAtUtc = Now };
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person.Id;
    }

    /// <summary>A follow-up with the company, owned and scheduled by <paramref name="userId"/>.</summary>
    public static async Task<int> FollowUpAsync(LeadsDbContext db, int companyId, string userId, FollowUpState state)
    {
        var due = new DateTime(2011, 3, 10, 8, 0, 0, DateTimeKind.Utc);
        var followUp = new FollowUp
        {
            CompanyId = companyId, OwnerUserId = userId, CreatedByUserId = userId, CreatedAtUtc = Now, DueAtUtc = due, NextAttemptAtUtc = due, State = state,
            AttemptCount = state == FollowUpState.Failed ? 5 : 0,
            RemindedAtUtc = state == FollowUpState.Reminded ? Now : null,
            FailedAtUtc = state == FollowUpState.Failed ? Now : null,
        };
        db.FollowUps.Add(followUp);
        await db.SaveChangesAsync();
        return followUp.Id;
    }

    public static async Task<(int Id, long Version)> PresentationAsync(LeadsDbContext db, int companyId, PresentationStatus status)
    {
        var scheduled = status == PresentationStatus.Scheduled;
        var request = new PresentationRequest
        {
            CompanyId = companyId, ContactName = "Jane Doe", ContactEmail = "jane@example.com", Status = status, Topics = Topics.JitSpeed, CreatedAtUtc = Now,
            Area = scheduled ? TourAreas.BayArea : null, Place = scheduled ? "Their office" : null,
            StartsAtUtc = scheduled ? new DateTime(2011, 3, 3, 20, 0, 0, DateTimeKind.Utc) : null,
            EndsAtUtc = scheduled ? new DateTime(2011, 3, 3, 21, 0, 0, DateTimeKind.Utc) : null,
        };
        db.PresentationRequests.Add(request);
        await db.SaveChangesAsync();
        return (request.Id, request.Version);
    }

    public static async Task<(int Id, long Version)> MeetingAsync(LeadsDbContext db, int companyId)
    {
        var meeting = new Meeting
        {
            CompanyId = companyId, Kind = MeetingKind.Lunch, Area = TourAreas.BayArea, PlaceName = "Zuni Café", Status = MeetingStatus.Planned,
            StartsAtUtc = new DateTime(2011, 3, 5, 20, 0, 0, DateTimeKind.Utc), EndsAtUtc = new DateTime(2011, 3, 5, 21, 0, 0, DateTimeKind.Utc), CreatedAtUtc = Now,
        };
        db.Meetings.Add(meeting);
        await db.SaveChangesAsync();
        return (meeting.Id, meeting.Version);
    }

    public static Task<string> NameAsync(LeadsDbContext db, int companyId) => db.Companies.Where(c => c.Id == companyId).Select(c => c.Name).SingleAsync();

    /// <summary>Everything a request or a use case could change, summed up: any write to these tables changes it.</summary>
    public static async Task<string> FingerprintAsync(LeadsDbContext db) => string.Join(" ",
        await db.Companies.CountAsync(), await db.Companies.SumAsync(c => c.Version), await db.Companies.CountAsync(c => c.DeletedAtUtc != null),
        await db.People.CountAsync(), await db.People.SumAsync(p => p.Version),
        await db.Encounters.CountAsync(), await db.Timeline.CountAsync(),
        await db.Deals.CountAsync(), await db.Deals.SumAsync(d => d.Version), await db.DealStageChanges.CountAsync(),
        await db.FollowUps.CountAsync(), await db.FollowUps.SumAsync(f => f.Version),
        await db.PresentationRequests.CountAsync(), await db.PresentationRequests.SumAsync(p => p.Version),
        await db.Meetings.CountAsync(), await db.Meetings.SumAsync(m => m.Version),
        await db.TeamStays.CountAsync(), await db.TourStopAttendees.CountAsync(), await db.CalendarFeeds.CountAsync(),
        await db.Notifications.CountAsync(n => n.ReadAtUtc != null),
        await db.CsvImports.CountAsync(), await db.CsvImports.CountAsync(i => i.State != CsvImportState.Previewed),
        await db.Users.CountAsync(), await db.Users.CountAsync(u => u.MayExportCompanies), await db.ExportRecords.CountAsync(),
        await db.Users.CountAsync(u => u.DisabledAtUtc != null),
        await db.AccessTokens.CountAsync(), await db.AccessTokens.CountAsync(t => t.RevokedAtUtc != null),
        await db.IntakeMessages.CountAsync(), await db.IntakeMessages.SumAsync(m => m.Version));
}
