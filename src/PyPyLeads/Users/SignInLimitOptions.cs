namespace PyPyLeads.Users;

/// <summary>The <c>SignIn</c> settings: how hard guessing passwords is made (<see cref="SignInThrottle"/>).</summary>
public sealed class SignInLimitOptions
{
    public const string Section = "SignIn";

    /// <summary>
    /// Sign-in, set-up and invitation posts allowed per client address per minute, by each instance: a flood guard
    /// that keeps password hashing (a tenth of a second of CPU each) from being used to load the server.
    /// </summary>
    public int PermitsPerMinute { get; set; } = 10;

    /// <summary>Failed sign-ins from one client address, on any accounts, before each further try must wait.</summary>
    public int FreeFailuresPerAddress { get; set; } = 10;

    /// <summary>Failed sign-ins on one account, from any addresses, before an address that failed on it must wait.</summary>
    public int FreeFailuresPerAccount { get; set; } = 5;

    /// <summary>The first wait; each further failure doubles it.</summary>
    public int FirstDelaySeconds { get; set; } = 1;

    /// <summary>The longest wait.</summary>
    public int MaxDelaySeconds { get; set; } = 900;

    /// <summary>Failures older than this no longer count (and their records are deleted).</summary>
    public int ForgetAfterHours { get; set; } = 24;

    public TimeSpan ForgetAfter => TimeSpan.FromHours(ForgetAfterHours);

    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(PermitsPerMinute), PermitsPerMinute), (nameof(FreeFailuresPerAddress), FreeFailuresPerAddress),
                     (nameof(FreeFailuresPerAccount), FreeFailuresPerAccount), (nameof(FirstDelaySeconds), FirstDelaySeconds),
                     (nameof(ForgetAfterHours), ForgetAfterHours),
                 })
        {
            if (value < 1)
            {
                yield return $"SignIn:{name} must be at least 1 (it is {value}).";
            }
        }
        if (MaxDelaySeconds < FirstDelaySeconds)
        {
            yield return $"SignIn:MaxDelaySeconds must be at least SignIn:FirstDelaySeconds ({FirstDelaySeconds}; it is {MaxDelaySeconds}).";
        }
    }
}
