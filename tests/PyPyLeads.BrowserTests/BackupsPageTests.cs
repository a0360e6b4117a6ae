using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PyPyLeads.BrowserTests;

public sealed class BackupsPageTests(Browser browser) : IClassFixture<Browser>, IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("Clock:StartsAt", "2011-03-02T09:00:00-08:00").OnLoopback();

    [ChromiumFact]
    public async Task An_admin_on_a_phone_takes_a_backup_downloads_it_and_the_export_and_sees_the_export_recorded()
    {
        var page = await browser.NewPageAsync(_app.ServerAddress);
        await Pages.SetUpFirstAdminAsync(page);
        await page.WaitForURLAsync(new Regex("/$"));

        // From the menu, as on a phone.
        await Pages.OpenAdminMenuAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Backups" }).ClickAsync();
        await page.WaitForURLAsync("**/backups");
        await Expect(page.GetByTestId("no-backups")).ToBeVisibleAsync();
        await Pages.AssertFitsTheScreenAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Back up now" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("passed SQLite's integrity check");
        await Expect(page.GetByTestId("backup")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("backup-check")).ToHaveTextAsync("ok");
        await Expect(page.GetByTestId("backup-time")).ToHaveTextAsync(new Regex(" (CET|CEST)$"));
        await Pages.AssertFitsTheScreenAsync(page);

        var backup = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("backup-download").ClickAsync());
        Assert.Matches(@"^pypyleads-\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z\.db$", backup.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await backup.PathAsync())!);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), bytes[..16]);

        var export = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        // Named by the app clock: the tour clock, started at 17:00 UTC.
        Assert.Matches(@"^pypyleads-export-2011-03-02T17\d{4}Z\.zip$", export.SuggestedFilename);
        using var zip = ZipFile.OpenRead((await export.PathAsync())!);
        Assert.Contains(zip.Entries, e => e.FullName == "companies.csv");
        Assert.Contains(zip.Entries, e => e.FullName == "users.csv");

        // Every export is recorded, and the record is on a page of its own, on a phone too.
        await page.GetByTestId("export-log").ClickAsync();
        await page.WaitForURLAsync("**/export/log");
        await Expect(page.GetByTestId("export-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("export-row")).ToContainTextAsync("Full export");
        await Expect(page.GetByTestId("export-row")).ToContainTextAsync("Laura Creighton");
        await Pages.AssertFitsTheScreenAsync(page);
        await page.GotoAsync("/users");
        await Expect(page.GetByTestId("export-right")).ToHaveTextAsync("Yes (admin)");
        await Pages.AssertFitsTheScreenAsync(page);
    }

    public void Dispose() => _app.Dispose();
}
