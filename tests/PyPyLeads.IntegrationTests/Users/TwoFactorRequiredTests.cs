using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>Who must have two-factor sign-in: admins in every deployment, members when the setting says so, nobody on a newcomer's first run.</summary>
public sealed class TwoFactorRequiredTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "twofactor-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _owned = [];

    private TwoFactorKit Kit(Func<LeadsApp>? app = null)
    {
        var kit = new TwoFactorKit(app);
        _owned.Add(kit);
        return kit;
    }

    /// <summary>The app as deployed (Production): HTTPS only, its keys encrypted with a certificate.</summary>
    private LeadsApp Production()
    {
        var app = new LeadsApp { Environment = "Production" }.With("Site:BaseUrl", "https://localhost");
        foreach (var (key, value) in ThrowawayCertificate.Create(_folder, "pypyleads-keys").KeySettings)
        {
            app.With(key, value);
        }
        return app;
    }

    private static HttpClient HttpsClient(LeadsApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Outside_development_an_admin_without_two_factor_is_sent_to_enrol_and_reaches_nothing_else_until_enrolled()
    {
        var kit = Kit(Production);
        var admin = await kit.AdminAsync(HttpsClient(kit.App));

        foreach (var path in new[] { "/", "/companies", "/settings", "/users", "/hangfire", "/account/two-factor" })
        {
            People.Expect(await admin.GetAsync(path), HttpStatusCode.Redirect, TwoFactorKit.EnrolPath);
        }
        // A form posted behind the gate changes nothing.
        var enrolPage = await admin.GetPageAsync(TwoFactorKit.EnrolPath);
        Assert.NotNull(enrolPage.QuerySelector("[data-testid=two-factor-required]"));
        var token = enrolPage.QuerySelector("main input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var posted = await admin.PostAsync("/settings", new FormUrlEncodedContent(new Dictionary<string, string> { ["TimeZoneId"] = "UTC", ["__RequestVerificationToken"] = token }));
        People.Expect(posted, HttpStatusCode.Redirect, TwoFactorKit.EnrolPath);
        using (var scope = kit.App.Services.CreateScope())
        {
            Assert.Equal("Europe/Stockholm", await scope.ServiceProvider.GetRequiredService<PyPyLeads.Data.LeadsDbContext>().Users.Select(u => u.TimeZoneId).SingleAsync());
        }

        await kit.EnrolAsync(admin);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/users")).StatusCode);
        // Required, so it cannot be turned off.
        People.Expect(await admin.PostFormAsync("/account/two-factor/disable", new Dictionary<string, string> { ["Password"] = People.AdminPassword }),
            HttpStatusCode.Redirect, "/account/two-factor");
        Assert.True(await kit.TwoFactorEnabledAsync());
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    public async Task On_a_newcomers_first_run_and_in_the_tests_an_admin_is_not_asked_to_enrol(string environment)
    {
        var kit = Kit(() => new LeadsApp { Environment = environment });
        var admin = await kit.AdminAsync();

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/users")).StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Members_must_enrol_when_the_setting_says_so(bool required)
    {
        var kit = Kit(() => new LeadsApp().With("TwoFactor:RequiredForMembers", required ? "true" : "false"));
        var admin = await kit.AdminAsync();
        var member = await People.MemberAsync(kit.App, admin, "Jacob Hallén", "jacob@openend.se", consultancyId: 1);

        var home = await member.GetAsync("/");

        if (required)
        {
            People.Expect(home, HttpStatusCode.Redirect, TwoFactorKit.EnrolPath);
            await kit.EnrolAsync(member);
            Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/")).StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }
        // Admins are not members: in Testing they are not asked either way.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
    }

    [Fact]
    public void The_admin_default_is_yes_in_every_deployment_and_a_setting_overrides_it()
    {
        Assert.True(new TwoFactorOptions().AdminsMustEnrol(deployment: true));
        Assert.False(new TwoFactorOptions().AdminsMustEnrol(deployment: false));
        Assert.False(new TwoFactorOptions { RequiredForAdmins = false }.AdminsMustEnrol(deployment: true));
        Assert.True(new TwoFactorOptions { RequiredForAdmins = true }.AdminsMustEnrol(deployment: false));
        Assert.Contains("TwoFactor:AllowedDriftSteps", Assert.Single(new TwoFactorOptions { AllowedDriftSteps = 9 }.Problems()), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
