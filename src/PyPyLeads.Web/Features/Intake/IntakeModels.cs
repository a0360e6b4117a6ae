using PyPyLeads.Intake;
using PyPyLeads.Schedule;
using PyPyLeads.Web.Features.Companies;

namespace PyPyLeads.Web.Features.Intake;

public sealed record TriageRow(long Id, string Subject, string From, string Received, string? Reason, bool Unreadable);

public sealed record TriagePage(bool Dismissed, IReadOnlyList<TriageRow> Rows, int Total, int Waiting, int DismissedCount, bool IsAdmin, string Mailbox);

public sealed record AttachmentRow(long Id, string FileName, string ContentType, string Size, bool Downloadable);

public sealed record CompanyLink(int Id, string Name, bool MayChange);

/// <summary>The new-company form of a triage message, pre-filled from its sender, domain and signature.</summary>
public sealed class NewCompanyFromMailForm
{
    public string? Name { get; set; }
    public string? WebDomain { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public string? PersonName { get; set; }
    public string? PersonRole { get; set; }
    public string? PersonEmail { get; set; }
    public long Version { get; set; }
}

/// <summary>The presentation-request form of a triage message, pre-filled with the topics its text names.</summary>
public sealed class RequestFromMailForm
{
    public string? CompanyName { get; set; }
    public string? WebDomain { get; set; }
    public string? ContactName { get; set; }
    public string? ContactEmail { get; set; }
    public string? City { get; set; }
    public string? PreferredDates { get; set; }
    public int? AudienceSize { get; set; }
    public List<Topics> Topics { get; set; } = [];
    public string? OtherTopics { get; set; }
    public long Version { get; set; }
}

public sealed class MailPage
{
    public required IntakeMessage Message { get; init; }
    public required string Sent { get; init; }
    public required string Received { get; init; }
    public required IReadOnlyList<AttachmentRow> Attachments { get; init; }
    public CompanyLink? Company { get; init; }
    /// <summary>Offered on a filed message whose sender is not yet a person at its company.</summary>
    public bool OfferAddSender { get; init; }
    public bool ShowHtml { get; init; }
    public string? Query { get; init; }
    public IReadOnlyList<CompanyChoice> Choices { get; init; } = [];
    public NewCompanyFromMailForm NewCompany { get; init; } = new();
    public RequestFromMailForm Request { get; init; } = new();
    public string? Conflict { get; init; }
    public IReadOnlyList<CompanyChoice> Duplicates { get; init; } = [];
}
