namespace PyPyLeads.Users;

/// <summary>The <c>TwoFactor</c> settings: who must sign in with an authenticator app as well as a password.</summary>
public sealed class TwoFactorOptions
{
    public const string Section = "TwoFactor";

    /// <summary>
    /// Admins must enrol an authenticator app. Unset means yes in every deployment and no in Development and Testing,
    /// so a newcomer's first <c>dotnet run</c> is not blocked on an authenticator app (<see cref="AdminsMustEnrol"/>).
    /// </summary>
    public bool? RequiredForAdmins { get; set; }

    /// <summary>Members must enrol an authenticator app too.</summary>
    public bool RequiredForMembers { get; set; }

    /// <summary>
    /// How many 30-second steps a code may be behind or ahead of the server's clock (a phone's clock drifts, and a code
    /// typed at the end of its step arrives in the next). 1 accepts the previous, current and next step's code.
    /// </summary>
    public int AllowedDriftSteps { get; set; } = 1;

    /// <param name="deployment">The app runs outside Development and Testing.</param>
    public bool AdminsMustEnrol(bool deployment) => RequiredForAdmins ?? deployment;

    public IEnumerable<string> Problems()
    {
        if (AllowedDriftSteps is < 0 or > 3)
        {
            yield return $"TwoFactor:AllowedDriftSteps must be between 0 and 3 (it is {AllowedDriftSteps}): each step is 30 seconds of clock drift.";
        }
    }
}

/// <summary>Who must have two-factor sign-in, as the settings and the environment say (<see cref="TwoFactorOptions"/>).</summary>
public sealed record TwoFactorPolicy(bool AdminsMustEnrol, bool MembersMustEnrol, int AllowedDriftSteps)
{
    public bool Requires(bool isAdmin) => isAdmin ? AdminsMustEnrol : MembersMustEnrol;
}
