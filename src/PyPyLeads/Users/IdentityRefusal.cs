using Microsoft.AspNetCore.Identity;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// Identity refusing a step of a use case after the use case has written something: thrown to roll the whole
/// transaction back, caught by the use case and returned as its <see cref="Invalid"/>.
/// </summary>
internal sealed class IdentityRefusal(Invalid invalid) : Exception("Identity refused the change.")
{
    public Invalid Invalid { get; } = invalid;

    /// <summary>Throws when <paramref name="result"/> failed, each error beside the field <paramref name="field"/> names.</summary>
    public static void ThrowIfFailed(IdentityResult result, Func<IdentityError, FieldError> field)
    {
        if (!result.Succeeded)
        {
            throw new IdentityRefusal(new Invalid(result.Errors.Select(field).ToList()));
        }
    }

    /// <summary>For a step that cannot fail once the input is valid (adding a role that exists): a failure is a bug.</summary>
    public static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
