using PyPyLeads.UseCases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc.Rendering;
using PyPyLeads.Companies;

namespace PyPyLeads.Web.Features.LogContact;

/// <summary>The one short form of "Log a contact". Hidden ids carry an existing company or person once chosen.</summary>
public sealed class LogContactForm
{
    /// <summary>A tour stop's id; 0 for "not at a tour stop".</summary>
    public int? TourStopId { get; set; }
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
    /// <summary>An optional follow-up, scheduled once the contact is saved.</summary>
    public PyPyLeads.Web.Features.FollowUps.FollowUpFields FollowUp { get; set; } = new() { Wanted = false };

    public bool HasPerson => !string.IsNullOrWhiteSpace(PersonName) || PersonId is not null;
}

public sealed class LogContactFormValidator : AbstractValidator<LogContactForm>
{
    public LogContactFormValidator(PyPyLeads.Web.Features.FollowUps.FollowUpFieldsValidator followUp)
    {
        RuleFor(x => x.FollowUp).SetValidator(followUp);
        RuleFor(x => x.TourStopId).NotNull().WithMessage("Choose where you met them.");
        RuleFor(x => x.CompanyName).NotEmpty().When(x => x.CompanyId is null && x.UseCompanyId is null)
            .WithMessage("Enter the company's name.");
        RuleFor(x => x.CompanyName).SingleLine("Company", CompanyRules.Name);
        RuleFor(x => x.CompanyDomain).WebDomainShape();
        RuleFor(x => x.PersonName).SingleLine("Name", CompanyRules.PersonName);
        RuleFor(x => x.PersonName).NotEmpty()
            .When(x => x.PersonId is null && x.UsePersonId is null &&
                       (!string.IsNullOrWhiteSpace(x.PersonEmail) || !string.IsNullOrWhiteSpace(x.PersonRole) || !string.IsNullOrWhiteSpace(x.PersonPhone)))
            .WithMessage("Enter the person's name too.");
        RuleFor(x => x.PersonRole).SingleLine("Role", CompanyRules.Role);
        RuleFor(x => x.PersonEmail).EmailShape();
        RuleFor(x => x.PersonPhone).PhoneShape();
        RuleFor(x => x.MetBy).Must(ids => ids.Any(id => !string.IsNullOrEmpty(id))).WithMessage("Choose who met them.");
        RuleFor(x => x.Note).MultiLine("Note", CompanyRules.EncounterNote);
    }
}

public sealed record PersonMatch(int Id, string Name, string? Role, string? Email, bool ByEmail);

public sealed class LogContactPage
{
    public required LogContactForm Form { get; init; }
    public required IReadOnlyList<SelectListItem> TourStops { get; init; }
    public required IReadOnlyList<SelectListItem> Users { get; init; }
    /// <summary>The existing company chosen (its name), when <see cref="LogContactForm.CompanyId"/> is set.</summary>
    public string? ChosenCompany { get; init; }
    public string? ChosenPerson { get; init; }
    public IReadOnlyList<CompanyMatch> CompanyMatches { get; init; } = [];
    public IReadOnlyList<PersonMatch> PersonMatches { get; init; } = [];
    /// <summary>Set when a simultaneous save of the same company or person got there first.</summary>
    public string? RaceMessage { get; init; }
}
