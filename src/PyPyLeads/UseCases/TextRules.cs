using FluentValidation;

namespace PyPyLeads.UseCases;

/// <summary>Free text is stored exactly as typed, except control characters, which are refused with a message.</summary>
public static class TextRules
{
    public static IRuleBuilderOptions<T, string?> SingleLine<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).WithMessage($"Use at most {maxLength} characters.")
            .Must(s => s is null || !s.Any(char.IsControl)).WithMessage("Remove the control characters (line breaks, tabs...).");

    public static IRuleBuilderOptions<T, string?> MultiLine<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).WithMessage($"Use at most {maxLength} characters.")
            .Must(s => s is null || !s.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t'))).WithMessage("Remove the control characters.");
}
