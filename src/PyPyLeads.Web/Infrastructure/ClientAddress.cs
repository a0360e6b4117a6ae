namespace PyPyLeads.Web.Infrastructure;

public static class ClientAddress
{
    /// <summary>The caller's address for logs and rate limits.</summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
