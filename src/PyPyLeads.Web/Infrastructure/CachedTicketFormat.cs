using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// The sign-in cookie's format, remembering for a few minutes the tickets of cookies it has already decrypted. Every
/// signed-in request sends the same cookie, and decrypting it (AES, HMAC, deserialising the claims) was about a tenth
/// of a page's CPU. A remembered ticket is the one the same text decrypted to, so nothing is trusted that the keys did
/// not vouch for: a changed byte is a different text and is decrypted (and refused) afresh. The cookie handler still
/// checks the ticket's expiry and the security stamp on each request, on a copy, because it and the stamp validator
/// change the ticket they get. Entries live at most <see cref="Lifetime"/>, so a data-protection key revoked by hand
/// stops being honoured within that time.
/// </summary>
public sealed class CachedTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock) : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Cookies remembered at most; one per signed-in browser, so far more than this team needs.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _tickets = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
        {
            return inner.Unprotect(protectedText, purpose);
        }
        var now = clock.GetUtcNow();
        if (_tickets.TryGetValue(protectedText, out Remembered? remembered) && remembered!.Until > now)
        {
            return remembered.Ticket.Clone();
        }
        var ticket = inner.Unprotect(protectedText);
        if (ticket is not null)
        {
            // The stored copy is never handed out: the handler and the stamp validator change the ticket they get.
            // Until follows the cookie handler's clock; the cache's own expiry only frees the memory.
            _tickets.Set(protectedText, new Remembered(ticket.Clone(), now + Lifetime), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }
        return ticket;
    }

    public void Dispose() => _tickets.Dispose();

    private sealed record Remembered(AuthenticationTicket Ticket, DateTimeOffset Until);
}
