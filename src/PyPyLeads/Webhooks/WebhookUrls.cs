using System.Net;
using System.Net.Sockets;

namespace PyPyLeads.Webhooks;

/// <summary>
/// Which URLs a webhook may be sent to: https only, and never to loopback, private or link-local addresses (the app's
/// own network: a webhook must not become a way to make the server call its neighbours), unless
/// <see cref="WebhookOptions.AllowInsecureLoopback"/> is on. Host names are checked again when connecting
/// (<see cref="IsAllowed(IPAddress)"/>), since a name can resolve anywhere.
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 500;

    /// <summary>Why <paramref name="url"/> is refused, for beside the field; null when it is fine.</summary>
    public static string? Problem(string? url, bool allowInsecureLoopback)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Give the URL to send the events to.";
        }
        if (url.Length > MaxLength)
        {
            return $"The URL is longer than {MaxLength} characters.";
        }
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return "Give a full https:// URL (e.g. https://hooks.example.com/pypyleads).";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Leave user names and passwords out of the URL; the signature proves the sender.";
        }
        if (allowInsecureLoopback)
        {
            return uri.Scheme == "https" || uri.IsLoopback ? null : "Only https:// URLs are accepted (http:// only to this machine, for tests).";
        }
        if (uri.Scheme != "https")
        {
            return "Only https:// URLs are accepted: the events carry your leads' data.";
        }
        if (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && !IsAllowed(address)))
        {
            return "That address is on this server's own network; give the receiver's public address.";
        }
        return null;
    }

    /// <summary>False for loopback, private, link-local, unique-local and unspecified addresses.</summary>
    public static bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224);
    }
}
