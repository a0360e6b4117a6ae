using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// The one way a presentation request or a meeting changes once it exists (scheduled, delivered, declined, held,
/// cancelled, edited). Inside its transaction a use case calls <c>PresentationAsync</c> or <c>MeetingAsync</c>, which
/// find it and refuse a caller who may not change its company (<see cref="Companies.CompanyAccess"/>: admins, members
/// of its consultancy, anyone signed in while it is unassigned), a move <see cref="Workflow"/> does not allow or a form
/// older than the record, makes its change,
/// then calls <c>SaveAsync</c>, which writes the timeline entry with it and refuses a change someone else saved at
/// the same moment.
/// </summary>
/// <remarks>
/// Refusals are <see cref="NotFound"/>, <see cref="NotAllowed"/> and <see cref="Conflict{T}"/> of <see cref="Current"/> (the move is not allowed
/// from the status it has now, or it changed since the caller read it); success is <see cref="Done{T}"/> of <see cref="Changed"/>.
/// </remarks>
public sealed class StatusChange(LeadsDbContext db, TimeProvider clock)
{
    /// <summary>The request or meeting that changed.</summary>
    public sealed record Changed(int Id);

    /// <summary>How it stands now, when the change was refused.</summary>
    public sealed record Current(string Status, long Version);

    /// <summary>
    /// The request to move to <paramref name="to"/> (null: an edit, which any status allows), tracked with its
    /// presenters; or why not.
    /// </summary>
    public async Task<(PresentationRequest? Request, Outcome? Refusal)> PresentationAsync(int id, Caller caller, PresentationStatus? to, long version, CancellationToken cancellationToken)
    {
        var request = await LoadPresentation(id, cancellationToken);
        return request is null
            ? (null, new NotFound("That presentation request does not exist."))
            : await RefusalAsync(request, caller, cancellationToken) is { } refused ? (null, refused)
            : Check(request, "request", request.Status, to, to is { } t && !Workflow.CanMove(request.Status, t), version);
    }

    /// <summary>The meeting to move to <paramref name="to"/>, tracked with its team and people; or why not.</summary>
    public async Task<(Meeting? Meeting, Outcome? Refusal)> MeetingAsync(int id, Caller caller, MeetingStatus to, long version, CancellationToken cancellationToken)
    {
        var meeting = await LoadMeeting(id, cancellationToken);
        return meeting is null
            ? (null, new NotFound("That meeting does not exist."))
            : await RefusalAsync(meeting, caller, cancellationToken) is { } refused ? (null, refused)
            : Check(meeting, "meeting", meeting.Status, to, !Workflow.CanMove(meeting.Status, to), version);
    }

    public Task<Outcome> SaveAsync(PresentationRequest request, Caller caller, string kind, string summary, string? details, CancellationToken cancellationToken) =>
        SaveAsync(request, "request", caller, kind, summary, details,
            async ct => await LoadPresentation(request.Id, ct) is { } now ? new Current(now.Status.ToString(), now.Version) : null, cancellationToken);

    public Task<Outcome> SaveAsync(Meeting meeting, Caller caller, string kind, string summary, string? details, CancellationToken cancellationToken) =>
        SaveAsync(meeting, "meeting", caller, kind, summary, details,
            async ct => await LoadMeeting(meeting.Id, ct) is { } now ? new Current(now.Status.ToString(), now.Version) : null, cancellationToken);

    /// <summary>Why the caller may not change what hangs on this company (deleted or not); null when they may.</summary>
    private async Task<NotAllowed?> RefusalAsync(IEngagement item, Caller caller, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().Where(c => c.Id == item.CompanyId).Select(c => new { c.Name, c.ConsultancyId }).SingleAsync(cancellationToken);
        return Companies.CompanyAccess.Refusal(caller, company.Name, company.ConsultancyId);
    }

    private static (T?, Outcome?) Check<T, TStatus>(T item, string noun, TStatus status, TStatus? to, bool forbidden, long version)
        where T : class, IEngagement where TStatus : struct, Enum
    {
        if (forbidden)
        {
            return (null, new Conflict<Current>(new(status.ToString(), item.Version),
                $"A {Lower(status)} {noun} cannot become {Lower(to!.Value)}."));
        }
        if (version != item.Version)
        {
            return (null, new Conflict<Current>(new(status.ToString(), item.Version),
                $"Someone changed this {noun} while you were {(to is null ? "editing" : "looking at")} it. Here is what it is now; make your change again if it still applies."));
        }
        return (item, null);
    }

    private async Task<Outcome> SaveAsync<T>(T item, string noun, Caller caller, string kind, string summary, string? details,
        Func<CancellationToken, Task<Current?>> reload, CancellationToken cancellationToken) where T : class, IEngagement
    {
        db.Timeline.Add(TimelineEntry.For(item.CompanyId, kind, summary, details, caller.Actor, clock.GetUtcNow().UtcDateTime, typeof(T).Name, item.Id));
        return await db.SaveUnlessChangedAsync(async ct => await reload(ct) is { } current
                ? new Conflict<Current>(current, $"Someone changed this {noun} at the same moment. Here is what it is now; make your change again if it still applies.")
                : new NotFound(), cancellationToken)
            ?? new Done<Changed>(new(item.Id));
    }

    private static string Lower<TStatus>(TStatus status) where TStatus : struct, Enum => status.ToString().ToLowerInvariant();

    private Task<PresentationRequest?> LoadPresentation(int id, CancellationToken cancellationToken) =>
        db.PresentationRequests.Include(p => p.Presenters).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    private Task<Meeting?> LoadMeeting(int id, CancellationToken cancellationToken) =>
        db.Meetings.Include(m => m.Team).Include(m => m.People).FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
}
