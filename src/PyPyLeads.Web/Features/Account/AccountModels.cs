using FluentValidation;

namespace PyPyLeads.Web.Features.Account;

public sealed class SignInForm
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    public bool RememberMe { get; set; }
    public string? ReturnUrl { get; set; }
}

public sealed class SignInFormValidator : AbstractValidator<SignInForm>
{
    public SignInFormValidator()
    {
        RuleFor(x => x.Email).NotEmpty().WithMessage("Enter your e-mail address.").MaximumLength(254);
        RuleFor(x => x.Password).NotEmpty().WithMessage("Enter your password.").MaximumLength(512);
    }
}

/// <summary>A new user sets a password through the link an admin gave them; the rules are <see cref="PyPyLeads.Users.AcceptInvitation.Validator"/>'s.</summary>
public sealed class InvitationForm
{
    public string? UserId { get; set; }
    public string? Token { get; set; }
    public string? Password { get; set; }
    public string? ConfirmPassword { get; set; }
}

/// <summary>Only what is about the form: the password typed twice.</summary>
public sealed class InvitationFormValidator : AbstractValidator<InvitationForm>
{
    public InvitationFormValidator() =>
        RuleFor(x => x.ConfirmPassword).Equal(x => x.Password).WithMessage("The two passwords differ.");
}
