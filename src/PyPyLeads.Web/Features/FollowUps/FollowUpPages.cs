using PyPyLeads.FollowUps;

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
