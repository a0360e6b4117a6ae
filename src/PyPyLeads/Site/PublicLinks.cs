using Microsoft.Extensions.Options;

namespace PyPyLeads.Site;

/// <summary>The <c>Site</c> settings.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    /// <summary>
    /// The address people open the app at (behind a proxy, the proxy's public address). Every absolute link the app
    /// hands out (e-mails, invitations, calendar feeds) starts with it, never with the request's Host header, which
    /// whoever sends the request chooses.
    /// </summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";

    /// <param name="httpsOnly">Whether the app serves HTTPS only (every environment but Development and Testing).</param>
    public IEnumerable<string> Problems(bool httpsOnly)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"Site:BaseUrl '{BaseUrl}' is not an http or https address (e.g. https://leads.example.org).";
        }
        else if (httpsOnly && uri.Scheme != "https")
        {
            yield return $"Site:BaseUrl '{BaseUrl}' must be an https address outside Development and Testing, where the app serves HTTPS only (e.g. https://leads.example.org).";
        }
    }
}

/// <summary>Absolute links to the app's own pages, from <see cref="SiteOptions.BaseUrl"/>.</summary>
public sealed class PublicLinks(IOptions<SiteOptions> options)
{
    private readonly string _base = options.Value.BaseUrl.TrimEnd('/');

    /// <summary>The absolute address of <paramref name="path"/> (a path in the app, with its query, as a URL helper gives it).</summary>
    public string To(string path) => _base + (path.StartsWith('/') ? path : "/" + path);

    /// <summary>The public host name, for Message-IDs.</summary>
    public string Host => Uri.TryCreate(_base, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host : "pypyleads.local";
}
