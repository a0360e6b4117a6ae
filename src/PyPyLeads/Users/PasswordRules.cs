using FluentValidation;

namespace PyPyLeads.Users;

public static class PasswordRules
{
    /// <summary>At least 12 characters, no composition rules (NIST SP 800-63B); the same as Identity's options.</summary>
    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("Choose a password.")
            .MinimumLength(12).WithMessage("Use at least 12 characters.")
            .MaximumLength(512).WithMessage("Use at most 512 characters.");
}
