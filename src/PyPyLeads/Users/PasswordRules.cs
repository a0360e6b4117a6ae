using FluentValidation;

namespace PyPyLeads.Users;

public static class PasswordRules
{
    /// <summary>Length over composition rules (NIST SP 800-63B); Identity's options say the same.</summary>
    public const int MinimumLength = 12;

    /// <summary>At least <see cref="MinimumLength"/> characters, no composition rules, checked before Identity sees the password.</summary>
    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("Choose a password.")
            .MinimumLength(MinimumLength).WithMessage($"Use at least {MinimumLength} characters.")
            .MaximumLength(512).WithMessage("Use at most 512 characters.");
}
