using FluentValidation;

namespace PyPyLeads.Companies;

/// <summary>What a person is described by, the same when added and when edited.</summary>
public interface IPersonFields
{
    string? Name { get; }
    string? Role { get; }
    string? Email { get; }
    string? Phone { get; }
}

/// <summary>The rules of a person's fields, included by <see cref="AddPerson"/> and <see cref="EditPerson"/>.</summary>
public sealed class PersonFieldsValidator : AbstractValidator<IPersonFields>
{
    public PersonFieldsValidator()
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the person's name.").SingleLine("Name", CompanyRules.PersonName);
        RuleFor(x => x.Role).SingleLine("Role", CompanyRules.Role);
        RuleFor(x => x.Email).EmailShape();
        RuleFor(x => x.Phone).PhoneShape();
    }
}
