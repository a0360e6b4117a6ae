using FluentValidation;

namespace PyPyLeads.Web.Features.Setup;

/// <summary>The set-up page's fields; the rules are <see cref="PyPyLeads.Users.SetUpFirstAdmin.Validator"/>'s.</summary>
public sealed class SetupForm
{
    public string? SetupCode { get; set; }
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? TimeZoneId { get; set; } = "Europe/Stockholm";
    public string? Password { get; set; }
    public string? ConfirmPassword { get; set; }
}

/// <summary>Only what is about the form: the password typed twice.</summary>
public sealed class SetupFormValidator : AbstractValidator<SetupForm>
{
    public SetupFormValidator() =>
        RuleFor(x => x.ConfirmPassword).Equal(x => x.Password).WithMessage("The two passwords differ.");
}
