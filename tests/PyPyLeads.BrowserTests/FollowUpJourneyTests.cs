using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

/// <summary>
/// The reminder journey on a phone, on the tour clock and the real Hangfire server, mail going to the embedded default
/// (.eml files in the data folder): schedule a follow-up a few seconds ahead, see the bell count it, mark it done.
/// </summary>
public sealed class FollowUpJourneyTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task A_follow_up_due_in_a_few_seconds_rings_the_bell_writes_the_email_and_is_marked_done_on_a_phone()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));
        var yelp = await CompanyAsync("Yelp");

        await page.GotoAsync($"/followups/new?companyId={yelp}");
        await Expect(page.GetByTestId("company-name")).ToHaveTextAsync("Yelp");
        await Expect(page.GetByTestId("last-safe-day")).ToContainTextAsync("Wed 31 Aug 2011");
        await Pages.AssertFitsTheScreenAsync(page);

        // A few seconds ahead by the app clock, in Laura's zone (Stockholm), which the form starts in.
        var now = _app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var due = PyPyLeads.Time.Zones.ToLocal(now.AddSeconds(6), "Europe/Stockholm");
        await page.GetByLabel("When").FillAsync(due.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        await page.GetByLabel("Note (optional)").FillAsync("Ask how the JIT did on their API servers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule the follow-up" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Follow-up scheduled.");
        await Expect(page.GetByTestId("about")).ToHaveTextAsync("Yelp");
        await Pages.AssertFitsTheScreenAsync(page);

        // Hangfire runs the job at its time; the bell refreshes itself.
        await Expect(page.GetByTestId("bell-count")).ToHaveTextAsync("1", new() { Timeout = 30_000 });
        var mail = await WaitForEmlAsync();
        var text = await File.ReadAllTextAsync(mail);
        Assert.Contains("Subject: Follow up with Yelp: due Wed 2 Mar 2011,", text, StringComparison.Ordinal);
        Assert.Contains("To: Laura Creighton <lac@openend.se>", text, StringComparison.Ordinal);

        // The other follow-up pages fit a phone too: rescheduling, and where the e-mail's links lead.
        var followUpUrl = new Uri(page.Url).AbsolutePath;
        foreach (var path in new[] { followUpUrl + "/edit", followUpUrl + "/done", followUpUrl + "/snooze", "/settings" })
        {
            await page.GotoAsync(path);
            await Pages.AssertFitsTheScreenAsync(page);
        }

        await page.GetByTestId("bell").ClickAsync();
        await Expect(page.GetByTestId("notification")).ToContainTextAsync("Follow up with Yelp");
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GotoAsync("/followups");
        var row = page.Locator("[data-testid=overdue] [data-testid=followup]");
        await Expect(row).ToContainTextAsync("Yelp");
        await Expect(row.GetByTestId("state")).ToHaveTextAsync("reminded");
        await Pages.AssertFitsTheScreenAsync(page);
        await row.GetByTestId("done").ClickAsync();
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("Marked done.");
        await Expect(page.Locator("[data-testid=closed] [data-testid=followup]")).ToContainTextAsync("Yelp");
        await Expect(page.Locator("[data-testid=overdue] [data-testid=followup]")).ToHaveCountAsync(0);
        await Pages.AssertFitsTheScreenAsync(page);
    }

    private async Task<int> CompanyAsync(string name)
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var company = new Company { Name = name, NameKey = CompanyKeys.Name(name), Source = LeadSource.TourStop, SourceTourStopId = 2 };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return company.Id;
    }

    private async Task<string> WaitForEmlAsync()
    {
        var folder = Path.Combine(_app.DataDirectory, "mail");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // The reminder, not the daily digest: on the tour clock it is already past 08:00 in Stockholm, so the
            // digest may also go out while the test waits.
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [];
            var reminders = files.Where(f => File.ReadAllText(f).Contains("X-PyPyLeads-FollowUp:", StringComparison.Ordinal)).ToList();
            if (reminders.Count > 0)
            {
                return Assert.Single(reminders);
            }
            Assert.True(DateTime.UtcNow < deadline, "No .eml file was written to " + folder);
            await Task.Delay(100);
        }
    }

    public void Dispose() => _app.Dispose();
}
