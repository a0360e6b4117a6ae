namespace PyPyLeads.Web.Features.Api;

/// <summary>The <c>Api</c> settings.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Requests one token may make per minute (per app instance: each counts its own).</summary>
    public int PermitsPerMinute { get; set; } = 300;

    public IEnumerable<string> Problems()
    {
        if (PermitsPerMinute < 1)
        {
            yield return $"Api:PermitsPerMinute must be at least 1 (it is {PermitsPerMinute}).";
        }
    }
}
