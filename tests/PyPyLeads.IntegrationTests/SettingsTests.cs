using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.Site;
using PyPyLeads.Time;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Backups;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.IntegrationTests;

/// <summary>Every settings section is checked when the app starts (the Reporting and Backups sections have their own tests).</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("SignIn:PermitsPerMinute", "0", "SignIn:PermitsPerMinute must be at least 1 (it is 0).")]
    [InlineData("SignIn:FreeFailuresPerAddress", "0", "SignIn:FreeFailuresPerAddress must be at least 1 (it is 0).")]
    [InlineData("SignIn:FreeFailuresPerAccount", "-5", "SignIn:FreeFailuresPerAccount must be at least 1 (it is -5).")]
    [InlineData("SignIn:FirstDelaySeconds", "0", "SignIn:FirstDelaySeconds must be at least 1 (it is 0).")]
    [InlineData("SignIn:MaxDelaySeconds", "0", "SignIn:MaxDelaySeconds must be at least SignIn:FirstDelaySeconds (1; it is 0).")]
    [InlineData("SignIn:ForgetAfterHours", "0", "SignIn:ForgetAfterHours must be at least 1 (it is 0).")]
    [InlineData("PublicForm:PermitsPerHour", "0", "PublicForm:PermitsPerHour must be at least 1 (it is 0).")]
    [InlineData("Sessions:IdleMinutes", "0", "Sessions:IdleMinutes must be between 5 and 20160 (14 days) (it is 0).")]
    [InlineData("Sessions:AbsoluteHours", "0", "Sessions:AbsoluteHours must be between 1 and 2160 (90 days) (it is 0).")]
    [InlineData("Hangfire:WorkerCount", "0", "Hangfire:WorkerCount must be at least 1 (it is 0).")]
    [InlineData("Hangfire:RunServer", "perhaps", "'Hangfire:RunServer'")]
    [InlineData("Mail:Port", "70000", "Mail:Port must be 1 to 65535 (it is 70000).")]
    [InlineData("Mail:Security", "Tls1", "Mail:Security 'Tls1' is not one of Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.")]
    [InlineData("Site:BaseUrl", "localhost:5080", "Site:BaseUrl 'localhost:5080' is not an http or https address")]
    [InlineData("Proxy:KnownProxies", "127.0.0.1;nginx", "Proxy:KnownProxies: 'nginx' is not an IP address")]
    [InlineData("Proxy:KnownNetworks", "10.0.0.0/33", "Proxy:KnownNetworks: '10.0.0.0/33' is not a network in CIDR notation")]
    [InlineData("DataProtection:Certificate:Path", "/no/such/keys.pfx", "DataProtection:Certificate: there is no certificate file '/no/such/keys.pfx'")]
    [InlineData("Eurostars:TimeZone", "Mars/Olympus_Mons", "Eurostars:TimeZone 'Mars/Olympus_Mons' is not a time zone id")]
    [InlineData("Eurostars:EndsOn", "when the money runs out", "'Eurostars:EndsOn'")]
    [InlineData("Clock:StartsAt", "tomorrow morning", "'Clock:StartsAt'")]
    [InlineData("Database:Provider", "Oracle", "'Database:Provider'")]
    [InlineData("Database:Provider", "SqlServer", "Database:Provider is SqlServer but ConnectionStrings:SqlServer is empty: give the connection string")]
    [InlineData("Deals:StaleAfterDays", "0", "Deals:StaleAfterDays must be positive")]
    [InlineData("FollowUps:DigestAt", "noon", "FollowUps settings:")]
    [InlineData("Data:MinFreeMegabytes", "-1", "Data:MinFreeMegabytes must be 0 or more (it is -1).")]
    [InlineData("Imports:KeepFilesDays", "0", "Imports:KeepFilesDays must be at least 1 (it is 0).")]
    [InlineData("Imports:StaleClaimSeconds", "0", "Imports:StaleClaimSeconds must be at least 1 (it is 0).")]
    [InlineData("TwoFactor:AllowedDriftSteps", "9", "TwoFactor:AllowedDriftSteps must be between 0 and 3 (it is 9)")]
    [InlineData("TwoFactor:RequiredForMembers", "sometimes", "'TwoFactor:RequiredForMembers'")]
    public void A_setting_the_app_cannot_use_stops_the_start_with_a_message_naming_it(string key, string value, string message)
    {
        using var app = new LeadsApp().With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_settings_the_defaults_are_those_the_README_gives()
    {
        using var app = new LeadsApp();
        T Get<T>() where T : class => app.Services.GetRequiredService<IOptions<T>>().Value;

        // (LeadsApp raises SignIn:PermitsPerMinute for the tests' many sign-ins from one address.)
        var signIn = Get<SignInLimitOptions>();
        Assert.Equal((10, 5, 1, 900, 24), (signIn.FreeFailuresPerAddress, signIn.FreeFailuresPerAccount, signIn.FirstDelaySeconds, signIn.MaxDelaySeconds, signIn.ForgetAfterHours));
        Assert.Equal(5, Get<PublicFormOptions>().PermitsPerHour);
        Assert.Equal((480, 168), (Get<PyPyLeads.Users.SessionLimitOptions>().IdleMinutes, Get<PyPyLeads.Users.SessionLimitOptions>().AbsoluteHours));
        Assert.True(Get<JobServerOptions>().RunServer);
        Assert.Null(Get<ClockOptions>().StartsAt);
        Assert.Equal((new DateOnly(2011, 9, 30), "Europe/Stockholm"), (Get<EurostarsOptions>().EndsOn, Get<EurostarsOptions>().TimeZone));
        Assert.Equal(("0 3 * * *", "Europe/Stockholm", 14), (Get<BackupOptions>().Schedule, Get<BackupOptions>().TimeZone, Get<BackupOptions>().Keep));
        Assert.Equal(("EUR", 0.7143m, 0.1124m), (Get<ReportingOptions>().Currency, Get<ReportingOptions>().RateOf("USD"), Get<ReportingOptions>().RateOf("SEK")));
        Assert.Equal((14, 30), (Get<DealOptions>().StaleAfterDays, Get<DealOptions>().BoardColumnLimit));
        var mail = Get<MailOptions>();
        Assert.Equal((587, "Auto", "PyPyLeads <pypyleads@localhost>"), (mail.Port, mail.Security, mail.From));
        Assert.Equal("http://localhost:5080", Get<SiteOptions>().BaseUrl);
        Assert.Equal((null, null), (Get<ProxyOptions>().KnownProxies, Get<ProxyOptions>().KnownNetworks));
        Assert.Equal((30, "30,120,600,1800", 180, 60, "08:00", 60),
            (Get<FollowUpOptions>().LeadTimeDays, Get<FollowUpOptions>().RetryAfterSeconds, Get<FollowUpOptions>().StaleClaimSeconds,
                Get<FollowUpOptions>().SendTimeoutSeconds, Get<FollowUpOptions>().DigestAt, Get<FollowUpOptions>().WatchdogSeconds));
        Assert.Equal(DatabaseProvider.Sqlite, app.Services.GetRequiredService<DatabaseConnection>().Provider);
        Assert.Equal(500, Get<DataOptions>().MinFreeMegabytes);
        Assert.Equal((14, 120), (Get<PyPyLeads.Companies.ImportOptions>().KeepFilesDays, Get<PyPyLeads.Companies.ImportOptions>().StaleClaimSeconds));
        Assert.Equal((null, false, 1), (Get<PyPyLeads.Users.TwoFactorOptions>().RequiredForAdmins, Get<PyPyLeads.Users.TwoFactorOptions>().RequiredForMembers,
            Get<PyPyLeads.Users.TwoFactorOptions>().AllowedDriftSteps));
    }
}
