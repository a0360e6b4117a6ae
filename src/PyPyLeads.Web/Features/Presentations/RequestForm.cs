using PyPyLeads.Schedule;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>
/// A presentation request as the public invitation page and the team's pages post it. The rules are the use cases'
/// (<see cref="RequestPresentation"/>, <see cref="EditPresentationRequest"/>); the names here are theirs.
/// </summary>
public sealed class RequestForm
{
    public string? CompanyName { get; set; }
    public string? WebDomain { get; set; }
    public string? ContactName { get; set; }
    public string? ContactEmail { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? PreferredDates { get; set; }
    public int? AudienceSize { get; set; }
    public List<Topics> Topics { get; set; } = [];
    public string? OtherTopics { get; set; }
    public string? ConvinceManagement { get; set; }
    /// <summary>The honeypot: hidden from people, filled in by bots.</summary>
    public string? Website { get; set; }
    /// <summary>When editing: the version the form was loaded at.</summary>
    public long Version { get; set; }

    public RequestPresentation.Input ToRequest() =>
        new(CompanyName, WebDomain, ContactName, ContactEmail, Address, City, PreferredDates, AudienceSize, Topics, OtherTopics, ConvinceManagement);

    public EditPresentationRequest.Input ToEdit(int id) =>
        new(id, ContactName, ContactEmail, Address, City, PreferredDates, AudienceSize, Topics, OtherTopics, ConvinceManagement, Version);
}
