using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace PyPyLeads.Users;

/// <summary>
/// The common passwords long enough to pass the length rule (<c>common-passwords.txt</c> beside this file, one a line,
/// shipped inside the assembly; where it comes from and its licence: <c>common-passwords.NOTICE.md</c>): the first that
/// anyone guessing tries, so none of them may be chosen. Compared ignoring case and surrounding spaces.
/// </summary>
public static class CommonPasswords
{
    public const string ResourceName = "PyPyLeads.Users.common-passwords.txt";

    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string password) => List.Value.Contains(password.Trim());

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        var passwords = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim() is { Length: > 0 } password)
            {
                passwords.Add(password);
            }
        }
        return passwords.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>The same rule for every password Identity sets, whichever page or use case sets it.</summary>
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password) =>
        Task.FromResult(password is not null && CommonPasswords.Contains(password)
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordCommon", Description = PasswordRules.CommonMessage })
            : IdentityResult.Success);
}
