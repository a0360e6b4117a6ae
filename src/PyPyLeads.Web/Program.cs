using FluentValidation;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.Extensions.Options;
using PyPyLeads.AccessTokens;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.Leads;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.Tour;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Api;
using PyPyLeads.Web.Features.Backups;
using PyPyLeads.Web.Features.CompanyImport;
using PyPyLeads.Web.Features.Deals;
using PyPyLeads.Web.Features.FollowUps;
using PyPyLeads.Web.Features.Setup;
using PyPyLeads.Web.Features.TwoFactor;
using PyPyLeads.Web.Features.Intake;
using PyPyLeads.Web.Features.Webhooks;
using PyPyLeads.Web.Infrastructure;

// `restore <file>` restores a backup while the app is stopped, and starts no web host.
if (args is [RestoreCommand.Verb, .. var restoreArgs])
{
    return await StartupFailures.GuardAsync(() => RestoreCommand.RunAsync(restoreArgs, Console.Out, Console.Error), Console.Error);
}

// An operator's mistake (a setting, the data folder, a certificate, the database) stops the start with one line.
WebApplication? running = null;
var failed = await StartupFailures.GuardAsync(async () =>
{
    running = await StartAsync(args);
    return 0;
}, Console.Error);
if (running is null)
{
    return failed;
}
await running.WaitForShutdownAsync();
await running.DisposeAsync();
return 0;

static async Task<WebApplication> StartAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Configuration.AddRepositoryAppSettings();
    var started = false;
    builder.QuietHostUntilStarted(() => started);
    // Serve wwwroot from the build output in every environment (the tests run as Testing); a published app has
    // no build manifest, so this changes nothing there.
    builder.WebHost.UseStaticWebAssets();
    // Where the data lives and which database: needed to register the services, so read before the container exists.
    var data = DataFolder.From(builder.Configuration, builder.Environment);
    var database = DatabaseConnection.From(builder.Configuration, data);
    builder.Services.AddSingleton(data);
    builder.Services.AddSingleton(database);

    // The app clock: the tour clock when Clock:StartsAt is set, else the system clock.
    builder.Services.AddSettings<ClockOptions>(ClockOptions.Section);
    builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<IOptions<ClockOptions>>().Value.StartsAt is { } startsAt
        ? new TourClock(startsAt)
        : TimeProvider.System);
    builder.Services.AddSettings<EurostarsOptions>(EurostarsOptions.Section, o => o.Problems());
    builder.Services.AddSingleton<EurostarsCalendar>();
    builder.Services.AddScoped<PyPyLeads.Schedule.ClashDetector>();
    builder.Services.AddScoped<PyPyLeads.Today.TodayItems>();
    builder.Services.AddDeals();
    builder.Services.AddSingleton<PyPyLeads.Web.Features.Companies.CompanyTotalCache>();

    builder.Services.AddLeadsDatabase(database);
    builder.Services.AddKeysAtRest(builder.Configuration, builder.Environment);
    builder.Services.AddPublicSite(builder.Environment);
    builder.Services.AddSignIn();
    builder.Services.AddTwoFactor(builder.Environment);
    builder.Services.AddRateLimits();
    builder.Services.AddBackgroundJobs(builder.Configuration, data, database);
    builder.Services.AddBackups(data, database);
    builder.Services.AddFollowUps(data);
    builder.Services.AddIntake(data);
    builder.Services.AddWebhooks();
    builder.Services.AddSubmissionKeys();
    builder.Services.AddCompanyImport();
    builder.Services.AddHealthChecks().AddDbContextCheck<LeadsDbContext>("database");
    builder.Services.AddDiskWatch();
    builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Scoped);
    // The use cases, one line per feature; their validators (nested in each use case) are found in the domain assembly.
    builder.Services.AddValidatorsFromAssemblyContaining<LeadsDbContext>(ServiceLifetime.Scoped);
    builder.Services.AddLeadsUseCases();
    builder.Services.AddCompaniesUseCases();
    builder.Services.AddDealsUseCases();
    builder.Services.AddScheduleUseCases();
    builder.Services.AddFollowUpsUseCases();
    builder.Services.AddUsersUseCases();
    builder.Services.AddTourUseCases();
    builder.Services.AddAccessTokensUseCases();
    builder.Services.AddApi();

    builder.Services.AddControllersWithViews(options =>
    {
        options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
        options.Filters.Add<ValidateWithFluentValidation>();
        options.Filters.Add<OneConnectionPerRequest>();
        options.Filters.Add<StorageFullFilter>();
    });
    builder.Services.Configure<RazorViewEngineOptions>(o => o.ViewLocationExpanders.Add(new FeatureFolders()));

    StartupFailures.CheckKestrelCertificates(builder.Configuration);

    var app = builder.Build();
    StartupFailures.CheckSettings(app.Services);
    await StartupFailures.CheckDatabaseAsync(database);
    BackupsSetup.ClaimDatabase(app.Services); // a restore cannot swap the database under this app from here on

    app.UseForwardedHeadersFromProxies();
    if (app.Environment.IsDevelopment())
    {
        app.UseDeveloperExceptionPage();
    }
    else
    {
        // A generic page, never a stack trace.
        app.UseExceptionHandler("/error");
    }
    app.UseStatusCodePagesWithReExecute("/error/{0}");
    app.UseApiConventions();
    app.UseHttpsOnly();
    app.UseSecurityHeaders();
    app.UseRouting();
    app.UseRequestSizeLimits();
    app.UseRateLimiter();
    app.UseAuthentication();
    app.UseTwoFactorEnrolment();
    app.UseAuthorization();

    app.MapStaticAssets().AllowAnonymous();
    app.MapControllers();
    app.MapApi();
    app.MapHealthChecks("/health", Health.Options).AllowAnonymous();
    app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AppPath = "/", DashboardTitle = "PyPyLeads jobs" })
        .RequireAuthorization(Authentication.AdminPolicy);

    await Database.MigrateAsync(app.Services);
    await SetupCodeAtStart.IssueAsync(app.Services);
    app.Lifetime.ApplicationStarted.Register(() => started = true);
    app.Lifetime.ApplicationStarted.Register(() =>
        app.Logger.LogInformation("PyPyLeads is running at {Urls} (data in {DataFolder})", string.Join(", ", app.Urls), data.Path));
    await app.StartAsync();
    return app;
}

public partial class Program;
