using FluentValidation;

namespace PyPyLeads.Users;

public static class PasswordRules
{
    /// <summary>Length over composition rules (NIST SP 800-63B); Identity's options say the same.</summary>
    public const int MinimumLength = 12;

    public const string CommonMessage = "This is one of the most common passwords, the first that anyone guessing tries. Choose another.";

    /// <summary>
    /// At least <see cref="MinimumLength"/> characters, no composition rules, and none of the
    /// <see cref="CommonPasswords"/> (NIST SP 800-63B again), checked before Identity sees the password. Every form that
    /// sets a password uses this rule.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("Choose a password.")
            .MinimumLength(MinimumLength).WithMessage($"Use at least {MinimumLength} characters.")
            .MaximumLength(512).WithMessage("Use at most 512 characters.")
            .Must(p => p is not { Length: >= MinimumLength } || !CommonPasswords.Contains(p)).WithMessage(CommonMessage);
}
