using FluentValidation;
using Microsoft.AspNetCore.Mvc.Rendering;
using PyPyLeads.Companies;
using LogContactUseCase = PyPyLeads.Companies.LogContact;

namespace PyPyLeads.Web.Features.LogContact;

/// <summary>The one short form of "Log a contact". Hidden ids carry an existing company or person once chosen.</summary>
public sealed class LogContactForm
{
    /// <summary>A tour stop's id; 0 for "not at a tour stop".</summary>
    public int? TourStopId { get; set; }
    /// <summary>"Yes, at that stop", for a stop still ahead.</summary>
    public bool ConfirmStopAhead { get; set; }
    public string? CompanyName { get; set; }
    public string? CompanyDomain { get; set; }
    /// <summary>An existing company chosen in the type-ahead (or offered as a match earlier).</summary>
    public int? CompanyId { get; set; }
    /// <summary>The "Use this company" button of a match offer.</summary>
    public int? UseCompanyId { get; set; }
    public string? PersonName { get; set; }
    public string? PersonRole { get; set; }
    public string? PersonEmail { get; set; }
    public string? PersonPhone { get; set; }
    public int? PersonId { get; set; }
    public int? UsePersonId { get; set; }
    /// <summary>"No, a different person": someone with the same name is already at the company.</summary>
    public bool NewPerson { get; set; }
    public List<string> MetBy { get; set; } = [];
    public List<Interests> Interests { get; set; } = [];
    public string? Note { get; set; }
    /// <summary>
    /// The submission key of a contact saved on the phone and opened here from its outbox (to choose a match or fix a
    /// refusal): the page keeps it as its key instead of a new one, so the choice saves that queued contact, once.
    /// </summary>
    public string? OutboxKey { get; set; }
    /// <summary>An optional follow-up, scheduled once the contact is saved.</summary>
    public PyPyLeads.Web.Features.FollowUps.FollowUpFields FollowUp { get; set; } = new() { Wanted = false };

    /// <summary>What the form asks the use case to do; the follow-up only when ticked and its time could be read.</summary>
    public LogContactUseCase.Input ToInput() => new()
    {
        TourStopId = TourStopId, ConfirmStopAhead = ConfirmStopAhead, CompanyName = CompanyName, CompanyDomain = CompanyDomain, CompanyId = CompanyId, UseCompanyId = UseCompanyId,
        PersonName = PersonName, PersonRole = PersonRole, PersonEmail = PersonEmail, PersonPhone = PersonPhone,
        PersonId = PersonId, UsePersonId = UsePersonId, NewPerson = NewPerson, MetBy = MetBy, Interests = Interests, Note = Note,
        FollowUp = FollowUp is { Wanted: true } f && f.DueUtc() is { } due ? new(f.OwnerUserId ?? "", due, f.Note) : null,
    };
}

/// <summary>
/// Reads the follow-up fields (a local time in a zone) the form embeds; every other rule is the use case's
/// (<see cref="LogContactUseCase.Validator"/>).
/// </summary>
public sealed class LogContactFormValidator : AbstractValidator<LogContactForm>
{
    public LogContactFormValidator(PyPyLeads.Web.Features.FollowUps.FollowUpFieldsValidator followUp)
    {
        RuleFor(x => x.FollowUp).SetValidator(followUp);
    }
}

public sealed class LogContactPage
{
    public required LogContactForm Form { get; init; }
    public required IReadOnlyList<SelectListItem> TourStops { get; init; }
    /// <summary>The chosen stop when it is still ahead on the app's clock: the form asks "Yes, at the …".</summary>
    public string? ChosenStopAhead { get; init; }
    public required IReadOnlyList<SelectListItem> Users { get; init; }
    /// <summary>The existing company chosen (its name), when <see cref="LogContactForm.CompanyId"/> is set.</summary>
    public string? ChosenCompany { get; init; }
    public string? ChosenPerson { get; init; }
    public IReadOnlyList<CompanyMatch> CompanyMatches { get; init; } = [];
    public IReadOnlyList<PersonMatch> PersonMatches { get; init; } = [];
    /// <summary>Set when a simultaneous save of the same company or person got there first.</summary>
    public string? RaceMessage { get; init; }
}
