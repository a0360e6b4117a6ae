using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.TestSupport;

namespace PyPyLeads.Benchmarks;

/// <summary>
/// The requests the issue names, built against a running app: paths found from the data (the company with the longest
/// timeline, a word to search, a page 90 % of the way down the list) and forms with their antiforgery tokens.
/// </summary>
public static class Workloads
{
    public const string ListPage1 = "company list, page 1";
    public const string ListDeep = "company list, deep page";
    public const string Search = "company search";
    public const string CompanyPage = "company page, long timeline";
    public const string Board = "pipeline board";
    public const string Dashboard = "dashboard";
    public const string Today = "today";
    public const string LogContact = "log a contact (POST)";
    public const string Invitation = "public invitation (POST)";
    public const string ApiList = "API: companies, page 1";
    public const string ApiLogContact = "API: log a contact (POST)";

    public static async Task<IReadOnlyList<Workload>> BuildAsync(Uri baseAddress, string dataFolder)
    {
        var (client, cookies) = await Harness.SignInAsync(baseAddress);
        using (client)
        {
            string adminId;
            int companyId;
            string word;
            await using (var db = new LeadsDbContext(Generator.Options(Path.Combine(dataFolder, "pypyleads.db"))))
            {
                if (!await db.Companies.AnyAsync())
                {
                    // A nearly empty database: one logged contact gives the company page something to show.
                    adminId = await db.Users.Where(u => u.Email == Harness.AdminEmail).Select(u => u.Id).SingleAsync();
                    var logged = await client.PostFormAsync("/log-contact", new Dictionary<string, string>
                    {
                        ["TourStopId"] = "1", ["CompanyName"] = "Yelp", ["CompanyDomain"] = "yelp.com", ["PersonName"] = "Jeremy Stoppelman",
                        ["MetBy"] = adminId, ["Interests"] = "Consulting",
                    });
                    People.Expect(logged, HttpStatusCode.Redirect);
                }
            }
            await using (var db = new LeadsDbContext(Generator.Options(Path.Combine(dataFolder, "pypyleads.db"))))
            {
                adminId = await db.Users.Where(u => u.Email == Harness.AdminEmail).Select(u => u.Id).SingleAsync();
                companyId = await db.Timeline.GroupBy(t => t.CompanyId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefaultAsync();
                if (companyId == 0)
                {
                    companyId = await db.Companies.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
                }
                var name = await db.Companies.Where(c => c.Id == companyId).Select(c => c.Name).SingleAsync();
                word = PyPyLeads.Companies.CompanyKeys.Words(name).First();
            }

            // Log a contact: a new company and person each time, met at the Stanford talk (today on the tour clock) by the admin.
            var logPage = await client.GetPageAsync("/log-contact");
            var logContact = FormBody(Token(logPage), [
                ("TourStopId", "1"), ("CompanyName", "Benchmark Café {n}"), ("CompanyDomain", ""), ("PersonName", "Zoë Ångström {n}"),
                ("PersonRole", "CTO"), ("PersonEmail", "zoe.{n}@example.org"), ("PersonPhone", ""), ("MetBy", adminId),
                ("Interests", "Consulting"), ("Note", "Wants a JIT for their trading engine; follow up after PyCon."),
            ]);
            var cookie = AppProcess.CookieHeader(cookies, baseAddress);

            // The public invitation form, anonymous, with its own antiforgery cookie.
            var anonymousCookies = new CookieContainer();
            using var anonymous = AppProcess.Client(baseAddress, anonymousCookies);
            var invitePage = await anonymous.GetPageAsync("/invite");
            var invitation = FormBody(Token(invitePage), [
                ("CompanyName", "Benchmark Invitations {n}"), ("WebDomain", ""), ("ContactName", "Łukasz Nowak"), ("ContactEmail", "lukasz.{n}@example.org"),
                ("Address", "1 Main St"), ("City", "Mountain View"), ("PreferredDates", "Any weekday in March"), ("AudienceSize", "40"),
                ("OtherTopics", ""), ("ConvinceManagement", "We run Python at scale."), ("Website", ""),
            ]);

            // The API with a read-write token made as a user makes one (Settings, API tokens), shown once on the page that answers.
            var bearer = new Dictionary<string, string> { ["Authorization"] = "Bearer " + await TokenAsync(client) };
            // The log-contact form's fields as the API takes them; JSON escapes the non-ASCII names, so the body stays ASCII.
            var apiContact = System.Text.Json.JsonSerializer.Serialize(new
            {
                tourStopId = 1, companyName = "Benchmark API Café {n}", personName = "Zoë Ångström {n}", personRole = "CTO", personEmail = "zoe.api.{n}@example.org",
                metBy = new[] { adminId }, interests = new[] { "Consulting" }, note = "Wants a JIT for their trading engine; follow up after PyCon.",
            }).Replace("{n}", "%7Bn%7D", StringComparison.Ordinal);

            return
            [
                new(ListPage1, "/companies", cookie),
                new(ListDeep, await DeepPageAsync(client), cookie),
                new(Search, "/companies?q=" + Uri.EscapeDataString(word), cookie),
                new(CompanyPage, $"/companies/{companyId}", cookie),
                new(Board, "/deals", cookie),
                new(Dashboard, "/dashboard", cookie),
                // The first screen after signing in, for someone with work on it: Jacob's overdue follow-ups, stale deals.
                new(Today, "/", await StaffCookieAsync(baseAddress)),
                new(LogContact, "/log-contact", cookie, logContact),
                new(Invitation, "/invite", AppProcess.CookieHeader(anonymousCookies, baseAddress), invitation),
                new(ApiList, "/api/v1/companies", "") { Headers = bearer },
                // Each request with its own Idempotency-Key, as a client that retries safely sends it (the offline outbox does).
                new(ApiLogContact, "/api/v1/contacts", "", _ => apiContact)
                    { Headers = bearer, ContentType = "application/json", SavedStatus = 201, PerRequestKey = "Idempotency-Key" },
            ];
        }
    }

    /// <summary>Makes a read-write token in Settings, API tokens, and reads its secret off the page that shows it once.</summary>
    private static async Task<string> TokenAsync(HttpClient signedIn)
    {
        var made = await signedIn.PostFormAsync("/settings/tokens", new Dictionary<string, string>
        {
            ["Name"] = $"Benchmark {Guid.NewGuid():N}"[..20], ["Scope"] = "ReadWrite", ["ExpiresInDays"] = "30",
        });
        People.Expect(made, HttpStatusCode.OK);
        var page = await made.ReadPageAsync();
        return page.QuerySelector("[data-testid=token-secret]")?.TextContent.Trim()
            ?? throw new InvalidOperationException("No token on the page Settings answered with.");
    }

    private static async Task<string> StaffCookieAsync(Uri baseAddress)
    {
        var (client, cookies) = await Harness.SignInAsync(baseAddress, Harness.JacobEmail, Harness.StaffPassword);
        client.Dispose();
        return AppProcess.CookieHeader(cookies, baseAddress);
    }

    /// <summary>Follows "Next" from page 1 to 90 % of the way down the list (keyset cursors cannot be jumped to).</summary>
    private static async Task<string> DeepPageAsync(HttpClient client)
    {
        var path = "/companies";
        var pages = new List<string> { path };
        while (true)
        {
            var page = await client.GetPageAsync(path);
            var next = page.QuerySelector("a[rel=next]")?.GetAttribute("href");
            if (next is null)
            {
                break;
            }
            path = WebUtility.HtmlDecode(next);
            pages.Add(path);
        }
        return pages[pages.Count * 9 / 10];
    }

    private static string Token(IHtmlDocument page) =>
        page.QuerySelector("main form input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? throw new InvalidOperationException("No antiforgery token on the page.");

    /// <summary>A urlencoded body; "{n}" in a value becomes a per-request number (so every post creates a new company).</summary>
    private static Func<long, string> FormBody(string token, (string Name, string Value)[] fields)
    {
        var body = string.Join("&", fields.Prepend((Name: "__RequestVerificationToken", Value: token))
            .Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
        return _ => body;
    }
}
