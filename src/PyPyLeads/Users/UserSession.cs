using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PyPyLeads.Users;

/// <summary>
/// One signed-in browser: made at sign-in, named in the sign-in cookie, and checked on every signed-in request, so a
/// session ended here (sign-out, a password change, "sign out everywhere", the user disabled, too long idle or too old)
/// stops its cookie on the next request on every instance sharing the database. Rows are kept after they end (the
/// sessions page and the security log read them); nothing is deleted but with the user.
/// </summary>
public sealed class UserSession
{
    /// <summary>128 random bits, base64url: unguessable, and only ever inside the encrypted cookie or the user's own pages.</summary>
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>Written at most once a minute (<see cref="Sessions.LastSeenGranularity"/>), so a page view costs no write.</summary>
    public DateTime LastSeenAtUtc { get; set; }
    public string? ClientAddress { get; set; }
    /// <summary>"Chrome on Android" and the like, from the user agent (<see cref="Devices.Describe"/>).</summary>
    public string? Device { get; set; }
    public DateTime? EndedAtUtc { get; set; }
    public SessionEnd? EndedBecause { get; set; }

    public bool IsActive => EndedAtUtc is null;
}

/// <summary>Why a session ended.</summary>
public enum SessionEnd
{
    SignedOut = 1,
    /// <summary>Its user ended it from another session (the sessions page).</summary>
    EndedByUser = 2,
    /// <summary>Its user chose "sign out everywhere else".</summary>
    SignedOutElsewhere = 3,
    PasswordChanged = 4,
    /// <summary>A password set through an invitation or reset link.</summary>
    PasswordReset = 5,
    UserDisabled = 6,
    /// <summary>No request for longer than <c>Sessions:IdleMinutes</c>.</summary>
    Idle = 7,
    /// <summary>Older than <c>Sessions:AbsoluteHours</c>, however busy.</summary>
    TooOld = 8,
    /// <summary>The same browser was signed in again (a refreshed sign-in): the new session replaces it.</summary>
    Replaced = 9,
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.Property(x => x.Id).HasMaxLength(32).ValueGeneratedNever();
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.ClientAddress).HasMaxLength(64);
        b.Property(x => x.Device).HasMaxLength(100);
        b.Property(x => x.EndedBecause).HasConversion<string>().HasMaxLength(20);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        // A user's sessions: the sessions page and ending them all.
        b.HasIndex(x => new { x.UserId, x.EndedAtUtc });
    }
}

/// <summary>A short name for the browser a session was signed in from, for its user to recognise it.</summary>
public static class Devices
{
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown device";
        }
        var browser = Find(userAgent, ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari")) ?? "A browser";
        var system = Find(userAgent, ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux")) ?? "an unknown system";
        return browser + " on " + system;
    }

    private static string? Find(string userAgent, params (string Marker, string Name)[] known) =>
        known.FirstOrDefault(k => userAgent.Contains(k.Marker, StringComparison.Ordinal)).Name;
}
