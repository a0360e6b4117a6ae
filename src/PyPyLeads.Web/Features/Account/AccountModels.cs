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

/// <summary>A new user sets a password through the link an admin gave them.</summary>
public sealed class InvitationForm
{
    public string? UserId { get; set; }
    public string? Token { get; set; }
    public string? Password { get; set; }
    public string? ConfirmPassword { get; set; }
}

public sealed class InvitationFormValidator : AbstractValidator<InvitationForm>
{
    public InvitationFormValidator()
    {
        RuleFor(x => x.UserId).NotEmpty().MaximumLength(450);
        RuleFor(x => x.Token).NotEmpty().MaximumLength(2000);
        RuleFor(x => x.Password).Password();
        RuleFor(x => x.ConfirmPassword).Equal(x => x.Password).WithMessage("The two passwords differ.");
    }
}

public static class PasswordRules
{
    /// <summary>At least 12 characters, no composition rules (NIST SP 800-63B); the same as Identity's options.</summary>
    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("Choose a password.")
            .MinimumLength(12).WithMessage("Use at least 12 characters.")
            .MaximumLength(512).WithMessage("Use at most 512 characters.");
}
