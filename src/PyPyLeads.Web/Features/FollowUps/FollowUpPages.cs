using PyPyLeads.FollowUps;
using PyPyLeads.UseCases;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>One follow-up as the viewer sees it: times in the viewer's zone, with the zone named; its buttons post <see cref="Version"/>.</summary>
public sealed record FollowUpRow(
    int Id,
    int CompanyId,
    string CompanyName,
    string? SubjectType,
    int? SubjectId,
    string OwnerUserId,
    string OwnerName,
    DateTime DueAtUtc,
    string Due,
    string? Note,
    FollowUpState State,
    int AttemptCount,
    string? LastError,
    bool AfterEnd,
    bool AfterLastSafe,
    bool Overdue,
    bool CanChange,
    string? RemindedAt,
    string? ClosedAt,
    string? NextTryAt,
    long Version)
{
    public bool IsOpen => State is FollowUpState.Scheduled or FollowUpState.Sending or FollowUpState.Reminded or FollowUpState.Failed;

    public string SubjectPath => FollowUpSubjects.Path(CompanyId, SubjectType, SubjectId);

    public string About => SubjectType is null ? CompanyName : $"{CompanyName} ({FollowUpSubjects.Describe(SubjectType)})";

    /// <summary>The row for a follow-up read with its names (<see cref="FollowUpLists.WithNames"/>), as <paramref name="viewer"/> sees it.</summary>
    public static FollowUpRow From(FollowUpWithNames r, Caller viewer, FollowUpDeadlines deadlines) => new(
        r.F.Id, r.F.CompanyId, r.CompanyName, r.F.SubjectType, r.F.SubjectId, r.F.OwnerUserId, r.OwnerName,
        r.F.DueAtUtc, ReminderMail.FormatTime(r.F.DueAtUtc, viewer.TimeZoneId), r.F.Note, r.F.State, r.F.AttemptCount, r.F.LastError,
        r.F.IsOpen && deadlines.IsAfterEnd(r.F.DueAtUtc), r.F.IsOpen && deadlines.IsAfterLastSafe(r.F.DueAtUtc),
        r.F.IsOpen && r.F.DueAtUtc <= deadlines.NowUtc, viewer.MayChange(r.F, r.CompanyConsultancyId),
        r.F.RemindedAtUtc is { } reminded ? ReminderMail.FormatTime(reminded, viewer.TimeZoneId) : null,
        (r.F.DoneAtUtc ?? r.F.CancelledAtUtc) is { } closed ? ReminderMail.FormatTime(closed, viewer.TimeZoneId) : null,
        r.F.State == FollowUpState.Scheduled && r.F.AttemptCount > 0 ? ReminderMail.FormatTime(r.F.NextAttemptAtUtc, viewer.TimeZoneId) : null,
        r.F.Version);
}

public sealed record DeadlineDates(string EndsOn, string LastSafeDay, int LeadTimeDays)
{
    public static DeadlineDates From(FollowUpDeadlines deadlines) => new(
        deadlines.EndsOn.ToString("ddd d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
        deadlines.LastSafeDay.ToString("ddd d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
        deadlines.LeadTimeDays);
}

public sealed record EscalationRow(int CompanyId, string Name);

public sealed record FollowUpListPage(
    bool ShowingEveryone,
    bool ViewerIsAdmin,
    IReadOnlyList<FollowUpRow> Overdue,
    IReadOnlyList<FollowUpRow> Upcoming,
    IReadOnlyList<FollowUpRow> Closed,
    IReadOnlyList<FollowUpRow> FailedForAdmins,
    IReadOnlyList<EscalationRow> Escalations,
    int AfterEndCount,
    DeadlineDates Dates);

public sealed record HistoryLine(string At, string Summary, string? Details, string? Actor);

public sealed record FollowUpDetailsPage(FollowUpRow FollowUp, string? Focus, IReadOnlyList<HistoryLine> History, int MaxAttempts, DeadlineDates Dates);

public sealed record NewFollowUpPage(NewFollowUpForm Form, string CompanyName, DeadlineDates Dates);

public sealed record EditFollowUpPage(int Id, string CompanyName, EditFollowUpForm Form, FollowUpRow? Theirs, DeadlineDates Dates);

/// <summary>What the embeddable follow-up fields render with.</summary>
public sealed record FollowUpFieldsView(FollowUpFields Values, string Prefix, bool Optional, IReadOnlyList<(string Id, string Name)> Owners, DeadlineDates Dates);
