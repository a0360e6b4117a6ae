using Microsoft.AspNetCore.Identity;

namespace PyPyLeads.Users;

/// <summary>A person who signs in: a PyPy team member or consultancy staff.</summary>
public sealed class AppUser : IdentityUser
{
    public required string DisplayName { get; set; }
    /// <summary>Open End, merlinux, or null for the PyPy team.</summary>
    public int? ConsultancyId { get; set; }
    public int? TeamMemberId { get; set; }
    /// <summary>IANA zone in which the user's times and e-mails are shown.</summary>
    public string TimeZoneId { get; set; } = "Europe/Stockholm";
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>An admin let this member export the companies and their contacts (admins always may): <see cref="GrantExportRight"/>.</summary>
    public bool MayExportCompanies { get; set; }
    /// <summary>
    /// The last authenticator time step (Unix seconds / 30) a code was accepted for: a code of that step or an earlier
    /// one is refused, so a code seen over a shoulder or in a log cannot be used again (<see cref="ReplayProofAuthenticator"/>).
    /// In the database, so every instance sees it.
    /// </summary>
    public long? LastAuthenticatorTimeStep { get; set; }

    /// <summary>
    /// Set by <see cref="DisableUser"/>: a disabled user cannot sign in or accept an invitation, and has no sessions;
    /// everything they made stays. <see cref="EnableUser"/> clears it.
    /// </summary>
    public DateTime? DisabledAtUtc { get; set; }

    public bool IsDisabled => DisabledAtUtc is not null;
}

public static class Roles
{
    public const string Admin = "Admin";
    public const string Member = "Member";
    public static readonly IReadOnlyList<string> All = [Admin, Member];
}
