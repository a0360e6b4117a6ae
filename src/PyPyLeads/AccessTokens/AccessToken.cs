using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PyPyLeads.Users;

namespace PyPyLeads.AccessTokens;

/// <summary>What a personal access token may do: read, or read and write (never more than its user).</summary>
public enum AccessTokenScope
{
    ReadOnly = 0,
    ReadWrite = 1,
}

/// <summary>
/// A personal access token: a user's key to the JSON API (<c>/api/v1</c>), named by them, read-only or read-write,
/// with an expiry. Only the SHA-256 of the secret is stored: the secret itself is shown once, when it is made.
/// </summary>
public sealed class AccessToken
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public AppUser? User { get; set; }
    public required string Name { get; set; }
    public AccessTokenScope Scope { get; set; }
    /// <summary>Hex SHA-256 of the whole secret: the lookup key of a presented token.</summary>
    public required string SecretHash { get; set; }
    /// <summary>The secret's first characters, shown in lists so its owner can tell tokens apart.</summary>
    public required string Prefix { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime ExpiresAtUtc { get; set; }
    public DateTime? LastUsedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
    public string? RevokedByUserId { get; set; }
}

internal sealed class AccessTokenConfiguration : IEntityTypeConfiguration<AccessToken>
{
    public void Configure(EntityTypeBuilder<AccessToken> b)
    {
        b.ToTable("AccessTokens");
        b.Property(x => x.UserId).HasMaxLength(450);
        b.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Name).HasMaxLength(AccessTokenSecrets.MaxNameLength);
        b.Property(x => x.SecretHash).HasMaxLength(64).IsUnicode(false);
        b.Property(x => x.Prefix).HasMaxLength(AccessTokenSecrets.PrefixLength).IsUnicode(false);
        b.Property(x => x.RevokedByUserId).HasMaxLength(450);
        b.HasIndex(x => x.SecretHash).IsUnique();
        b.HasIndex(x => new { x.UserId, x.CreatedAtUtc });
    }
}

/// <summary>How a token's secret is made, shown and recognised.</summary>
public static class AccessTokenSecrets
{
    /// <summary>Marks the secret as this app's (secret scanners and people recognise it).</summary>
    public const string Marker = "pypl_";
    public const int MaxNameLength = 100;
    public const int PrefixLength = 12;

    /// <summary>A new secret: 32 random bytes (256 bits), base64url, behind the marker.</summary>
    public static string NewSecret() => Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The stored form of a secret. A plain SHA-256 is enough for a 256-bit random secret (no dictionary to try), and
    /// it lets a presented token be found by an index lookup rather than a slow hash per stored token.
    /// </summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string PrefixOf(string secret) => secret[..Math.Min(PrefixLength, secret.Length)];

    /// <summary>The shape a secret has; anything else is refused without a database lookup.</summary>
    public static bool LooksLikeSecret(string? text) =>
        text is { Length: > 20 and < 100 } && text.StartsWith(Marker, StringComparison.Ordinal) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
