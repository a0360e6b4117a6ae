using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Companies;

/// <summary>A company's own fields as a form gives them: adding one and editing one hold them to the same rules.</summary>
public interface ICompanyFields
{
    string? Name { get; }
    string? WebDomain { get; }
    string? City { get; }
    string? Country { get; }
    string? Industry { get; }
    string? Notes { get; }
    LeadSource? Source { get; }
    int? SourceTourStopId { get; }
}

/// <summary>The rules of <see cref="ICompanyFields"/>, each message beside its field.</summary>
public sealed class CompanyFieldRules<T> : AbstractValidator<T> where T : ICompanyFields
{
    public CompanyFieldRules(LeadsDbContext db)
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the company's name.").SingleLine("Name", CompanyRules.Name);
        RuleFor(x => x.WebDomain).WebDomainShape();
        RuleFor(x => x.City).SingleLine("City", CompanyRules.City);
        RuleFor(x => x.Country).SingleLine("Country", CompanyRules.Country);
        RuleFor(x => x.Industry).SingleLine("Industry", CompanyRules.Industry);
        RuleFor(x => x.Notes).MultiLine("Notes", CompanyRules.Notes);
        RuleFor(x => x.Source).NotNull().WithMessage("Choose how the company came to us.").IsInEnum().WithMessage("Choose how the company came to us.");
        RuleFor(x => x.SourceTourStopId).NotNull().When(x => x.Source == LeadSource.TourStop).WithMessage("Choose the tour stop.");
        RuleFor(x => x.SourceTourStopId)
            .MustAsync(async (id, ct) => await db.TourStops.AnyAsync(s => s.Id == id, ct)).When(x => x.SourceTourStopId is not null)
            .WithMessage("Choose a tour stop from the list.");
    }
}
