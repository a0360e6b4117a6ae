using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace PyPyLeads.TestSupport;

/// <summary>Reads pages and posts forms the way a browser would: with the page's antiforgery token.</summary>
public static class Forms
{
    private static readonly HtmlParser Parser = new();

    public static async Task<IHtmlDocument> GetPageAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 500)]}");
        }
        return await Parser.ParseDocumentAsync(html);
    }

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>Loads <paramref name="pageUrl"/>, then posts its form (the one posting to <paramref name="action"/>, else the first in main) with its token and the given fields.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pageUrl, IDictionary<string, string> fields, string? action = null)
    {
        var page = await client.GetPageAsync(pageUrl);
        // The page's own forms are in <main>; the layout's sign-out form is not one of them.
        var form = page.QuerySelectorAll("main form").OfType<IHtmlFormElement>().FirstOrDefault(f => action is null || f.GetAttribute("action") == action)
                   ?? throw new InvalidOperationException($"No form posting to {action} on {pageUrl}");
        var values = new Dictionary<string, string>();
        foreach (var input in form.Elements.OfType<IHtmlInputElement>().Where(i => i.Type == "hidden"))
        {
            values[input.Name!] = input.Value;
        }
        foreach (var (key, value) in fields)
        {
            values[key] = value;
        }
        return await client.PostAsync(form.GetAttribute("action") ?? pageUrl, new FormUrlEncodedContent(values));
    }

    public static async Task<IHtmlDocument> ReadPageAsync(this HttpResponseMessage response) =>
        await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());

    /// <summary>The validation message shown beside a field, or null.</summary>
    public static string? FieldError(this IHtmlDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim() is { Length: > 0 } text ? text : null;
}
