using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Data;
using PyPyLeads.Time;

namespace PyPyLeads.IntegrationTests;

public sealed class AppBasicsTests : IDisposable
{
    // 2011-03-02 09:00 Pacific, the morning of the Stanford talk.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero));
    private readonly LeadsApp _app;

    public AppBasicsTests() => _app = new LeadsApp { Clock = _clock };

    [Fact]
    public async Task Health_is_200_with_database_and_hangfire_checks()
    {
        var response = await _app.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.NotEqual("Unhealthy", checks.GetProperty("hangfire").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Tour_stops_are_the_seed_s_with_their_dates_and_zones()
    {
        using var scope = _app.Services.CreateScope();
        var stops = await scope.ServiceProvider.GetRequiredService<LeadsDbContext>().TourStops.OrderBy(s => s.Sequence).ToListAsync();
        Assert.Equal(
            ["Stanford talk", "Yelp talk", "Noisebridge mini sprint", "Google Tech Talk", "Mozilla talk", "Python VM and Language Summits", "PyCon talks", "PyCon sprint"],
            stops.Select(s => s.Name));

        var stanford = stops[0];
        Assert.Equal("America/Los_Angeles", stanford.TimeZoneId);
        Assert.Equal(new DateTime(2011, 3, 3, 0, 15, 0, DateTimeKind.Utc), stanford.StartsAtUtc); // 16:15 PST
        Assert.Equal(DateTimeKind.Utc, stanford.StartsAtUtc!.Value.Kind);
        Assert.True(stanford.OpenToPublic);
        Assert.Equal(new DateTime(2011, 3, 4, 2, 0, 0, DateTimeKind.Utc), stops[1].StartsAtUtc); // Yelp 18:00 PST
        Assert.Equal("706 Mission St 9th Floor, San Francisco CA 94103", stops[1].Address);
        Assert.Equal((new DateOnly(2011, 3, 5), new DateOnly(2011, 3, 6)), (stops[2].FirstDay, stops[2].LastDay));
        Assert.Null(stops[2].StartsAtUtc); // the sprint has no time in the seed
        Assert.Equal(new DateTime(2011, 3, 7, 19, 30, 0, DateTimeKind.Utc), stops[3].StartsAtUtc); // Google 11:30 PST
        Assert.False(stops[3].OpenToPublic);
        Assert.Equal(new DateTime(2011, 3, 7, 22, 30, 0, DateTimeKind.Utc), stops[4].StartsAtUtc); // Mozilla 14:30 PST
        Assert.All(stops[5..], s => Assert.Equal("America/New_York", s.TimeZoneId));
        Assert.Null(stops[5].FirstDay); // the seed gives no date for the summits
        Assert.Null(stops[6].StartsAtUtc);
        Assert.Equal((new DateOnly(2011, 3, 14), new DateOnly(2011, 3, 17)), (stops[7].FirstDay, stops[7].LastDay));
    }

    [Fact]
    public async Task Home_page_shows_days_left_by_the_app_clock_and_the_tour_in_local_time()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        var home = await client.GetPageAsync("/");
        // 2 March to 30 September 2011.
        Assert.Equal("212", home.QuerySelector("[data-testid=days-left]")!.TextContent.Trim());
        var rows = home.QuerySelectorAll("[data-testid=tour-stop]").Select(r => r.TextContent).ToList();
        Assert.Equal(8, rows.Count);
        Assert.Contains("Wed 2 Mar 2011, 16:15 PST", rows[0], StringComparison.Ordinal);
        Assert.Contains("today", rows[0], StringComparison.Ordinal);
        Assert.Contains("Sat 5 Mar – Sun 6 Mar 2011", rows[2], StringComparison.Ordinal);
        Assert.Contains("Date not announced", rows[5], StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromDays(30));
        var later = await client.GetPageAsync("/");
        Assert.Equal("182", later.QuerySelector("[data-testid=days-left]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        var signedIn = _app.Client();
        await People.SetUpAsync(signedIn);
        // The offline form's page and its service worker, which the phone keeps, carry the same policy.
        foreach (var (client, path) in new[] { "/account/signin", "/setup", "/health", "/nowhere", "/sw.js" }.Select(p => (_app.Client(), p))
            .Append((signedIn, "/log-contact")))
        {
            var response = await client.GetAsync(path);
            if (path == "/log-contact")
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.NotEmpty(response.Headers.GetValues("Referrer-Policy"));
        }
    }

    [Fact]
    public async Task Pages_have_no_inline_script()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        foreach (var path in new[] { "/", "/users", "/users/invite", "/log-contact" })
        {
            var page = await client.GetPageAsync(path);
            Assert.All(page.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source), $"inline script on {path}"));
        }
    }

    [Fact]
    public async Task The_web_manifest_installs_the_log_contact_form_standalone_with_icons_that_load()
    {
        var client = _app.Client();
        var response = await client.GetAsync("/site.webmanifest");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = manifest.RootElement;

        Assert.Equal("/log-contact", root.GetProperty("start_url").GetString());
        Assert.Equal("standalone", root.GetProperty("display").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("name").GetString()));
        Assert.Matches("^#[0-9a-fA-F]{6}$", root.GetProperty("theme_color").GetString());
        var icons = root.GetProperty("icons").EnumerateArray().ToList();
        // Android asks for both sizes before it offers to install.
        Assert.Contains(icons, i => i.TryGetProperty("sizes", out var sizes) && sizes.GetString() == "192x192");
        Assert.Contains(icons, i => i.TryGetProperty("sizes", out var sizes) && sizes.GetString() == "512x512");
        foreach (var icon in icons)
        {
            var src = icon.GetProperty("src").GetString()!;
            var image = await client.GetAsync(src);
            Assert.True(image.StatusCode == HttpStatusCode.OK, $"{src} answered {image.StatusCode}");
            Assert.StartsWith("image/", image.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            if (icon.TryGetProperty("type", out var type))
            {
                Assert.Equal(type.GetString(), image.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public async Task Unknown_pages_get_a_friendly_404_and_errors_show_no_stack_trace()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        var missing = await client.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is nothing at this address.", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Styles_and_scripts_are_served_to_anyone()
    {
        var css = await _app.Client().GetAsync("/css/site.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains(".break-anywhere", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _app.Client().GetAsync("/lib/bootstrap/dist/js/bootstrap.bundle.min.js")).StatusCode);
    }

    [Fact]
    public void Eurostars_end_is_the_end_of_30_September_in_the_consultancies_zone()
    {
        var eurostars = _app.Services.GetRequiredService<EurostarsCalendar>();
        Assert.Equal(new DateTime(2011, 9, 30, 22, 0, 0, DateTimeKind.Utc), eurostars.EndsAtUtc); // midnight CEST
    }

    public void Dispose() => _app.Dispose();
}
