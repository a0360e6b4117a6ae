namespace PyPyLeads.Web.Infrastructure;

/// <summary>The <c>SignIn</c> settings: how hard guessing passwords is made.</summary>
public sealed class SignInLimitOptions
{
    public const string Section = "SignIn";

    /// <summary>Sign-in, set-up and invitation posts allowed per client address per minute.</summary>
    public int PermitsPerMinute { get; set; } = 10;

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    public IEnumerable<string> Problems()
    {
        if (PermitsPerMinute < 1)
        {
            yield return $"SignIn:PermitsPerMinute must be at least 1 (it is {PermitsPerMinute}).";
        }
        if (MaxFailedAttempts < 1)
        {
            yield return $"SignIn:MaxFailedAttempts must be at least 1 (it is {MaxFailedAttempts}).";
        }
        if (LockoutMinutes < 1)
        {
            yield return $"SignIn:LockoutMinutes must be at least 1 (it is {LockoutMinutes}).";
        }
    }
}

/// <summary>The <c>PublicForm</c> settings: the public invitation page's limit.</summary>
public sealed class PublicFormOptions
{
    public const string Section = "PublicForm";

    /// <summary>Invitation requests allowed per client address per hour: a company sends one, maybe a correction.</summary>
    public int PermitsPerHour { get; set; } = 5;

    public IEnumerable<string> Problems()
    {
        if (PermitsPerHour < 1)
        {
            yield return $"PublicForm:PermitsPerHour must be at least 1 (it is {PermitsPerHour}).";
        }
    }
}
