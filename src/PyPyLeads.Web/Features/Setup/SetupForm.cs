using FluentValidation;
using PyPyLeads.Time;
using PyPyLeads.Web.Features.Account;

namespace PyPyLeads.Web.Features.Setup;

public sealed class SetupForm
{
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? TimeZoneId { get; set; } = "Europe/Stockholm";
    public string? Password { get; set; }
    public string? ConfirmPassword { get; set; }
}

public sealed class SetupFormValidator : AbstractValidator<SetupForm>
{
    public SetupFormValidator()
    {
        RuleFor(x => x.DisplayName).NotEmpty().WithMessage("Enter your name.").MaximumLength(200);
        RuleFor(x => x.Email).NotEmpty().WithMessage("Enter your e-mail address.").MaximumLength(254)
            .EmailAddress().WithMessage("This is not an e-mail address.");
        RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
        RuleFor(x => x.Password).Password();
        RuleFor(x => x.ConfirmPassword).Equal(x => x.Password).WithMessage("The two passwords differ.");
    }
}
