using Microsoft.Playwright;

namespace PyPyLeads.BrowserTests;

/// <summary>
/// Debian's Chromium driven by Playwright (Playwright's own browser download cannot work here). Launched once
/// per test class; each test gets a fresh context with a phone-sized viewport unless it asks otherwise.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return; // the tests skip themselves, see ChromiumFactAttribute
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Running as root needs --no-sandbox; the rest keeps Chromium off the closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A new page on a 375×740 (phone) viewport by default.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, int width = 375, int height = 740)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = width < 600,
            HasTouch = width < 600,
            AcceptDownloads = true,
        });
        // Generous: a 2-core machine running the whole suite is slow, and a wait ends as soon as its condition holds.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>
/// A browser test. Where no Chromium is installed it is skipped with a message saying how to install it;
/// in CI (CI=true) it never skips, so a missing browser fails the run instead of hiding it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Browser.ChromiumPath) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"No Chromium at {Browser.ChromiumPath}: run 'apt-get install -y chromium' (CI installs it).";
        }
    }
}
