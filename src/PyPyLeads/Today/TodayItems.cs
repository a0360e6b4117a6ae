using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.UseCases;

namespace PyPyLeads.Today;

/// <summary>A meeting or a scheduled presentation on the Today page.</summary>
public sealed record TodayEngagement(bool IsMeeting, int Id, string Company, string What, string? Place, string Area, DateTime StartsAtUtc,
    DateTime EndsAtUtc, bool WithMe);

public sealed record TodayRequest(int Id, string Company, string? City, DateTime CreatedAtUtc, bool ViaPublicPage);

/// <summary>One of my open deals that needs a look: no activity for the stale period, or its expected close has passed.</summary>
public sealed record TodayDeal(int Id, string Company, string? Title, DealStage Stage, DateOnly ExpectedCloseOn, DateTime LastActivityAtUtc,
    bool Stale, bool ClosePassed);

public sealed record TodayLead(int Id, string Name, DateTime CreatedAtUtc);

/// <summary>What only admins see: leads waiting for a consultancy and reminders that could not be e-mailed.</summary>
public sealed record TodayForAdmins(IReadOnlyList<TodayLead> Unassigned, int UnassignedCount, IReadOnlyList<FollowUpWithNames> FailedReminders, int FailedCount);

/// <summary>
/// What the signed-in user has to do today, in their own zone. Each list is read with one query and cut at
/// <see cref="TodayItems.Shown"/> (the counts beside them at <see cref="TodayItems.Counted"/>), so the page runs the
/// same statements for a quiet day as for a hundred items.
/// </summary>
public sealed record TodayList(
    DateOnly Today,
    string TimeZoneId,
    IReadOnlyList<FollowUpWithNames> FollowUps,
    bool MoreFollowUps,
    IReadOnlyList<TodayEngagement> Engagements,
    IReadOnlyList<TodayRequest> Requests,
    int RequestCount,
    IReadOnlyList<TodayDeal> Deals,
    bool MoreDeals,
    int StaleAfterDays,
    TodayForAdmins? ForAdmins)
{
    public bool IsEmpty => FollowUps.Count == 0 && Engagements.Count == 0 && Requests.Count == 0 && Deals.Count == 0
                           && ForAdmins is not { Unassigned.Count: > 0 } and not { FailedReminders.Count: > 0 };
}

/// <summary>
/// The Today page's reads: my follow-ups overdue and due today, today's and tomorrow's meetings and presentations,
/// the presentation requests waiting for an answer (<see cref="WaitingRequests"/>, as the navigation's badge counts
/// them), my open deals gone stale (<see cref="DealQueries.StaleSince"/>, as the dashboard finds them) or past their
/// expected close, and for admins the unassigned leads and the reminders that could not be e-mailed.
/// </summary>
public sealed class TodayItems(LeadsDbContext db, TimeProvider clock, IOptions<DealOptions> dealOptions)
{
    /// <summary>Items shown per list; the rest are one tap away on the list's own page.</summary>
    public const int Shown = 20;

    /// <summary>Counts stop here ("99+"), as the navigation's badge does.</summary>
    public const int Counted = WaitingRequests.Counted;

    public async Task<TodayList> LoadAsync(Caller me, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Zones.Today(clock, me.TimeZoneId);
        var startOfToday = Zones.ToUtc(today.ToDateTime(TimeOnly.MinValue), me.TimeZoneId);
        var startOfTomorrow = Zones.ToUtc(today.AddDays(1).ToDateTime(TimeOnly.MinValue), me.TimeZoneId);
        var endOfTomorrow = Zones.ToUtc(today.AddDays(2).ToDateTime(TimeOnly.MinValue), me.TimeZoneId);

        var followUps = await db.FollowUps.AsNoTracking().Open()
            .Where(f => f.OwnerUserId == me.UserId && f.DueAtUtc < startOfTomorrow)
            .WithNames(db).OrderBy(r => r.F.DueAtUtc).ThenBy(r => r.F.Id).Take(Shown + 1).ToListAsync(cancellationToken);

        // "With me": the PyPy team member the user is (consultancy staff may be none) is on its team.
        var users = db.Users;
        var userId = me.UserId;
        var meetings = await db.Meetings.AsNoTracking()
            .Where(m => m.Status == MeetingStatus.Planned && m.StartsAtUtc < endOfTomorrow && m.EndsAtUtc > startOfToday)
            .OrderBy(m => m.StartsAtUtc).Take(Shown)
            .Select(m => new TodayEngagement(true, m.Id, m.Company!.Name, m.Kind == MeetingKind.Lunch ? "Lunch" : m.Kind == MeetingKind.Dinner ? "Dinner" : "Meeting",
                m.PlaceName, m.Area, m.StartsAtUtc, m.EndsAtUtc, m.Team.Any(t => users.Any(u => u.Id == userId && u.TeamMemberId == t.TeamMemberId))))
            .ToListAsync(cancellationToken);
        var presentations = await db.PresentationRequests.AsNoTracking()
            .Where(p => p.Status == PresentationStatus.Scheduled && p.StartsAtUtc < endOfTomorrow && p.EndsAtUtc > startOfToday)
            .OrderBy(p => p.StartsAtUtc).Take(Shown)
            .Select(p => new TodayEngagement(false, p.Id, p.Company!.Name, "Presentation", p.Place, p.Area!, p.StartsAtUtc!.Value, p.EndsAtUtc!.Value,
                p.Presenters.Any(t => users.Any(u => u.Id == userId && u.TeamMemberId == t.TeamMemberId))))
            .ToListAsync(cancellationToken);

        var requests = await WaitingRequests.Query(db).Take(Shown)
            .Select(p => new TodayRequest(p.Id, p.Company!.Name, p.City, p.CreatedAtUtc, p.ViaPublicPage)).ToListAsync(cancellationToken);
        var requestCount = await WaitingRequests.CountAsync(db, cancellationToken); // also when few: the statements stay the same

        var staleAfterDays = dealOptions.Value.StaleAfterDays;
        var mine = db.Deals.AsNoTracking().Where(d => d.OwnerUserId == me.UserId);
        var stale = await mine.StaleSince(db.Timeline, now.AddDays(-staleAfterDays), StaleLookup.EachDealsCompany).OrderBy(d => d.LastActivityAtUtc).ThenBy(d => d.Id)
            .Take(Shown + 1).Select(AsTodayDeal).ToListAsync(cancellationToken);
        var closePassed = await mine.OpenOnly().Where(d => d.ExpectedCloseOn < today).OrderBy(d => d.ExpectedCloseOn).ThenBy(d => d.Id)
            .Take(Shown + 1).Select(AsTodayDeal).ToListAsync(cancellationToken);
        var staleIds = stale.Select(d => d.Id).ToHashSet();
        var deals = stale.Concat(closePassed).DistinctBy(d => d.Id)
            .Select(d => d with { Stale = staleIds.Contains(d.Id), ClosePassed = d.ExpectedCloseOn < today })
            .OrderBy(d => d.ExpectedCloseOn).ThenBy(d => d.Id).ToList();

        TodayForAdmins? forAdmins = null;
        if (me.IsAdmin)
        {
            var unassigned = db.Companies.AsNoTracking().Where(c => c.ConsultancyId == null && c.DeletedAtUtc == null);
            var leads = await unassigned.OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id).Take(Counted + 1)
                .Select(c => new TodayLead(c.Id, c.Name, c.CreatedAtUtc)).ToListAsync(cancellationToken);
            var failed = await db.FollowUps.AsNoTracking().Where(f => f.State == FollowUpState.Failed)
                .WithNames(db).OrderBy(r => r.F.DueAtUtc).ThenBy(r => r.F.Id).Take(Counted + 1).ToListAsync(cancellationToken);
            forAdmins = new TodayForAdmins(leads.Take(5).ToList(), leads.Count, failed.Take(5).ToList(), failed.Count);
        }

        return new TodayList(today, me.TimeZoneId,
            followUps.Take(Shown).ToList(), followUps.Count > Shown,
            meetings.Concat(presentations).OrderBy(e => e.StartsAtUtc).ThenBy(e => e.IsMeeting).ThenBy(e => e.Id).Take(Shown).ToList(),
            requests, requestCount,
            deals.Take(Shown).ToList(), deals.Count > Shown || stale.Count > Shown || closePassed.Count > Shown, staleAfterDays,
            forAdmins);
    }

    private static readonly System.Linq.Expressions.Expression<Func<Deal, TodayDeal>> AsTodayDeal = d =>
        new TodayDeal(d.Id, d.Company!.Name, d.Title, d.Stage, d.ExpectedCloseOn, d.LastActivityAtUtc, false, false);
}
