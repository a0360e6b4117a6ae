using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// Slows password guessing without letting anyone lock the owner out (README, "Sign-in that strangers cannot turn
/// against the owner"). Two rules, on the failed sign-ins of the last <see cref="SignInLimitOptions.ForgetAfterHours"/>:
/// <list type="bullet">
/// <item>an <b>address</b> with <see cref="SignInLimitOptions.FreeFailuresPerAddress"/> failures (on any accounts) waits
/// before each further try, from its last failure: the first delay, doubled with each further failure, up to the
/// longest;</item>
/// <item>an <b>account</b> with <see cref="SignInLimitOptions.FreeFailuresPerAccount"/> failures (from any addresses)
/// makes each address that has itself failed on it wait the same way, from that address's last failure there, the
/// delay doubling with each further failure on the account but no more often than the address's own failures there
/// (its first costs the first delay).</item>
/// </list>
/// An address with no failure on an account is never held back by that account's count, so failures from an attacker's
/// addresses cannot stop the owner signing in from theirs. Unknown e-mail addresses count as accounts too, so the
/// answers never tell which accounts exist. The failures live in the database: every instance sees the same counts.
/// </summary>
public sealed class SignInThrottle(LeadsDbContext db, TimeProvider clock, IOptions<SignInLimitOptions> options, ILoggerFactory loggers)
{
    private readonly ILogger _security = loggers.CreateLogger(SecurityLog.Category);

    private SignInLimitOptions Limits => options.Value;

    /// <summary>How long <paramref name="clientAddress"/> must wait before trying <paramref name="email"/>; null when it may try now.</summary>
    public async Task<SignInWait?> WaitAsync(string email, string clientAddress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - Limits.ForgetAfter;
        var (account, address) = (AccountKey(email), AddressKey(clientAddress));
        var recent = db.SignInFailures.AsNoTracking().Where(f => f.AtUtc >= since);

        var until = now;
        var rule = "";
        var addressFailures = await recent.CountAsync(f => f.Address == address, cancellationToken);
        if (addressFailures >= Limits.FreeFailuresPerAddress)
        {
            var last = await recent.Where(f => f.Address == address).OrderByDescending(f => f.AtUtc).Select(f => f.AtUtc).FirstAsync(cancellationToken);
            (until, rule) = Later((until, rule), (last + Wait(addressFailures - Limits.FreeFailuresPerAddress), $"address, {addressFailures} failures"));
        }
        // The account's count holds back only the addresses that failed on it themselves, and an address's wait grows
        // no faster than its own failures there: the owner's one typo costs the first delay, whatever attackers did.
        var here = recent.Where(f => f.Account == account && f.Address == address);
        var failuresHere = await here.CountAsync(cancellationToken);
        if (failuresHere > 0)
        {
            var accountFailures = await recent.CountAsync(f => f.Account == account, cancellationToken);
            if (accountFailures >= Limits.FreeFailuresPerAccount)
            {
                var last = await here.OrderByDescending(f => f.AtUtc).Select(f => f.AtUtc).FirstAsync(cancellationToken);
                var doublings = Math.Min(accountFailures - Limits.FreeFailuresPerAccount, failuresHere - 1);
                (until, rule) = Later((until, rule), (last + Wait(doublings), $"account, {accountFailures} failures, {failuresHere} from this address"));
            }
        }
        if (until <= now)
        {
            return null;
        }
        var wait = new SignInWait((int)Math.Ceiling((until - now).TotalSeconds));
        _security.LogWarning("Sign-in throttled for {Email} from {ClientAddress} ({Rule}): retry after {Seconds} s",
            email, clientAddress, rule, wait.Seconds);
        return wait;
    }

    /// <summary>Counts a wrong password (or an unknown e-mail address) from <paramref name="clientAddress"/>.</summary>
    public async Task FailedAsync(string email, string clientAddress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.SignInFailures.Add(new SignInFailure { Account = AccountKey(email), Address = AddressKey(clientAddress), AtUtc = now });
        await db.SaveChangesAsync(cancellationToken);
        // Pruned on write: rows come only from failures, and those older than this no longer count.
        var before = now - Limits.ForgetAfter;
        await db.SignInFailures.Where(f => f.AtUtc < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// The right password from <paramref name="clientAddress"/>: its own failures on this account are forgiven (the
    /// owner's typos). The account's and the address's other failures still count: an attacker who signs in to an
    /// account of their own does not clear the failures of their guesses at others.
    /// </summary>
    public Task SucceededAsync(string email, string clientAddress, CancellationToken cancellationToken)
    {
        var (account, address) = (AccountKey(email), AddressKey(clientAddress));
        return db.SignInFailures.Where(f => f.Account == account && f.Address == address).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The first delay, doubled <paramref name="doublings"/> times, up to the longest.</summary>
    private TimeSpan Wait(int doublings) =>
        TimeSpan.FromSeconds(Math.Min(Limits.FirstDelaySeconds * Math.Pow(2, Math.Min(doublings, 30)), Limits.MaxDelaySeconds));

    /// <summary>
    /// The client an address stands for. An IPv6 client usually holds a whole /64 and can pick any address in it, so
    /// the /64 is counted as one address; an IPv4 address reached over IPv6 counts as itself.
    /// </summary>
    public static string ClientOf(string clientAddress)
    {
        if (!IPAddress.TryParse(clientAddress, out var ip))
        {
            return clientAddress;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            return ip.MapToIPv4().ToString();
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    // Stored as hashes: the table need not keep what people typed (a password typed into the e-mail field included).
    private static string AccountKey(string email) => Hash("account:" + email.Trim().ToUpperInvariant());

    private static string AddressKey(string clientAddress) => Hash("address:" + ClientOf(clientAddress));

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static (DateTime Until, string Rule) Later((DateTime Until, string Rule) a, (DateTime Until, string Rule) b) => b.Until > a.Until ? b : a;
}

/// <summary>A refused sign-in attempt: try again in <see cref="Seconds"/>.</summary>
public sealed record SignInWait(int Seconds)
{
    public string Message =>
        $"Too many failed sign-ins from your address. Wait {(Seconds < 120 ? $"{Seconds} second{(Seconds == 1 ? "" : "s")}" : $"{(Seconds + 59) / 60} minutes")}, then try again.";
}

/// <summary>One failed sign-in: which account (e-mail address, known or not) and which client, both hashed.</summary>
public sealed class SignInFailure
{
    public long Id { get; set; }
    public required string Account { get; set; }
    public required string Address { get; set; }
    public DateTime AtUtc { get; set; }
}

internal sealed class SignInFailureConfiguration : IEntityTypeConfiguration<SignInFailure>
{
    public void Configure(EntityTypeBuilder<SignInFailure> b)
    {
        b.ToTable("SignInFailures");
        b.Property(x => x.Account).HasMaxLength(64);
        b.Property(x => x.Address).HasMaxLength(64);
        b.HasIndex(x => new { x.Address, x.AtUtc });
        b.HasIndex(x => new { x.Account, x.AtUtc });
        b.HasIndex(x => x.AtUtc);
    }
}
