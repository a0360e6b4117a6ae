using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>Shared steps of the companies tests: forms submitted as a browser would, and a look into the database.</summary>
public static class CompanyTestKit
{
    /// <summary>Thursday 3 March 2011, 18:30 Pacific: half an hour into the Yelp talk.</summary>
    public static readonly DateTimeOffset AtYelpTalk = new(2011, 3, 3, 18, 30, 0, TimeSpan.FromHours(-8));

    public static LeadsApp NewApp(DateTimeOffset? now = null) => new() { Clock = new FakeTimeProvider(now ?? AtYelpTalk) };

    /// <summary>
    /// Loads <paramref name="pageUrl"/>, takes the values its form (the one posting to <paramref name="action"/>) would
    /// send as it stands (hidden fields, inputs, checked boxes, selected options, text areas), replaces those named in
    /// <paramref name="changes"/> (several pairs with one name send several values) and posts it.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string pageUrl, string action,
        IEnumerable<KeyValuePair<string, string>> changes)
    {
        var page = await client.GetPageAsync(pageUrl);
        return await client.SubmitAsync(page, action, changes);
    }

    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, IHtmlDocument page, string action,
        IEnumerable<KeyValuePair<string, string>> changes) =>
        await client.PostAsync(action, new FormUrlEncodedContent(FormValues(page, action, changes)));

    /// <summary>What <see cref="SubmitAsync(HttpClient, IHtmlDocument, string, IEnumerable{KeyValuePair{string, string}})"/> posts: to send one form more than once.</summary>
    public static List<KeyValuePair<string, string>> FormValues(IHtmlDocument page, string action, IEnumerable<KeyValuePair<string, string>> changes)
    {
        var form = page.QuerySelectorAll("main form").OfType<IHtmlFormElement>().FirstOrDefault(f => f.GetAttribute("action") == action)
                   ?? throw new InvalidOperationException($"No form posting to {action}: {page.Body?.TextContent[..Math.Min(500, page.Body.TextContent.Length)]}");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when string.IsNullOrEmpty(input.Name) || input.Type is "submit" or "button" or "file":
                    break;
                case IHtmlInputElement input when input.Type is "checkbox" or "radio":
                    if (input.IsChecked)
                    {
                        values.Add(new(input.Name!, input.Value));
                    }
                    break;
                case IHtmlInputElement input:
                    values.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    var selected = select.Options.FirstOrDefault(o => o.IsSelected) ?? select.Options.FirstOrDefault();
                    if (selected is not null)
                    {
                        values.Add(new(select.Name!, selected.Value));
                    }
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    values.Add(new(area.Name!, area.Value));
                    break;
            }
        }
        var changeList = changes.ToList();
        var changed = changeList.Select(c => c.Key).ToHashSet();
        values.RemoveAll(v => changed.Contains(v.Key));
        values.AddRange(changeList.Where(c => c.Value is not null));
        return values;
    }

    public static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    /// <summary>Logs a contact through the form and expects it saved; returns the company's id.</summary>
    public static async Task<int> LogContactAsync(HttpClient client, string company, string? person = null, params KeyValuePair<string, string>[] more)
    {
        var fields = new List<KeyValuePair<string, string>> { F("CompanyName", company) };
        if (person is not null)
        {
            fields.Add(F("PersonName", person));
        }
        fields.AddRange(more);
        var response = await client.SubmitAsync("/log-contact", "/log-contact", fields);
        return ExpectCompanyRedirect(response);
    }

    public static int ExpectCompanyRedirect(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/companies/", StringComparison.Ordinal) != true)
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            var page = Forms.Parse(body);
            var errors = string.Join("; ", page.QuerySelectorAll(".field-validation-error, .alert").Select(e => e.TextContent.Trim()));
            throw new InvalidOperationException($"Expected a redirect to a company, got {(int)response.StatusCode}: {errors}");
        }
        return int.Parse(response.Headers.Location!.OriginalString["/companies/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<T> DbAsync<T>(this LeadsApp app, Func<LeadsDbContext, Task<T>> query)
    {
        using var scope = app.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    public static Task<string> UserIdAsync(this LeadsApp app, string email) =>
        app.DbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>Adds companies straight into the database (with their search terms), for list and search tests.</summary>
    public static async Task<List<int>> SeedCompaniesAsync(this LeadsApp app, IEnumerable<Company> companies)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var list = companies.ToList();
        db.Companies.AddRange(list);
        await db.SaveChangesAsync();
        await SearchIndex.RefreshAsync(db, list.Select(c => c.Id));
        return list.Select(c => c.Id).ToList();
    }

    public static Company NewCompany(string name, string? domain = null, string? city = null, DateTime? createdAtUtc = null, int? consultancyId = null) => new()
    {
        Name = name, NameKey = CompanyKeys.Name(name), WebDomain = domain, DomainKey = CompanyKeys.Domain(domain), City = city,
        CreatedAtUtc = createdAtUtc ?? AtYelpTalk.UtcDateTime, ConsultancyId = consultancyId, Source = LeadSource.Other,
    };

    public static async Task<IHtmlDocument> PageAsync(this HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}");
        return await response.ReadPageAsync();
    }

    /// <summary>The names on a company list page, in order.</summary>
    public static List<string> CompanyNames(this IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=company-row] strong").Select(e => e.TextContent.Trim()).ToList();
}
