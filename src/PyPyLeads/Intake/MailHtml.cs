using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace PyPyLeads.Intake;

/// <summary>
/// HTML mail made safe to show (HtmlSanitizer): no scripts, styles, forms, frames or images (so nothing remote is ever
/// loaded, tracking pixels included), links only to http, https and mailto, each followed by its real target in
/// brackets (a link whose text says one address and goes to another is the classic phishing trick).
/// </summary>
public static class MailHtml
{
    private static readonly string[] Tags =
    [
        "a", "b", "i", "u", "em", "strong", "p", "br", "div", "span", "ul", "ol", "li", "blockquote", "pre", "code",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "small", "sub", "sup",
    ];

    private static HtmlSanitizer NewSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(Tags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href", "title", "colspan", "rowspan"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        });
        sanitizer.KeepChildNodes = true;
        return sanitizer;
    }

    /// <summary>The sanitised markup, each link marked to open apart and followed by its target.</summary>
    public static string Sanitise(string html)
    {
        // Elements whose content is code, not text, go whole; other unknown tags (font, center) give way to their text.
        var source = new HtmlParser().ParseDocument(html);
        foreach (var dead in source.QuerySelectorAll("script, style, head, title, noscript, template, iframe, frame, object, embed, svg, math").ToList())
        {
            dead.Remove();
        }
        // A sanitiser per call: HtmlSanitizer is not documented as safe to share between threads.
        var clean = NewSanitizer().Sanitize(source.Body?.InnerHtml ?? "");
        var document = new HtmlParser().ParseDocument("<body>" + clean + "</body>");
        foreach (var link in document.QuerySelectorAll("a").ToList())
        {
            var href = link.GetAttribute("href");
            if (string.IsNullOrEmpty(href))
            {
                continue;
            }
            link.SetAttribute("rel", "noopener noreferrer nofollow");
            link.SetAttribute("target", "_blank");
            if (!string.Equals(link.TextContent.Trim(), href, StringComparison.OrdinalIgnoreCase))
            {
                var target = document.CreateElement("span");
                target.ClassName = "link-target";
                target.TextContent = " [" + href + "]";
                link.Parent?.InsertBefore(target, link.NextSibling);
            }
        }
        return document.Body?.InnerHtml ?? "";
    }

    /// <summary>The text of an HTML body, for mail without a text part.</summary>
    public static string ToText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var dead in document.QuerySelectorAll("script, style, head").ToList())
        {
            dead.Remove();
        }
        foreach (var br in document.QuerySelectorAll("br").ToList())
        {
            br.Replace(document.CreateTextNode("\n"));
        }
        foreach (var block in document.QuerySelectorAll("p, div, li, tr, h1, h2, h3, h4, h5, h6").ToList())
        {
            block.Append(document.CreateTextNode("\n"));
        }
        var text = document.Body?.TextContent ?? "";
        var lines = text.Replace("\r", "").Split('\n').Select(l => l.Trim());
        return System.Text.RegularExpressions.Regex.Replace(string.Join('\n', lines), "\n{3,}", "\n\n").Trim();
    }
}
