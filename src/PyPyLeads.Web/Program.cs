using PyPyLeads.Leads;
using FluentValidation;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Razor;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Time;
using PyPyLeads.Web.Features.Backups;
using PyPyLeads.Web.Features.Deals;
using PyPyLeads.Web.Features.FollowUps;
using PyPyLeads.Web.Infrastructure;

// `restore <file>` restores a backup while the app is stopped, and starts no web host.
if (args is [RestoreCommand.Verb, .. var restoreArgs])
{
    Environment.ExitCode = await RestoreCommand.RunAsync(restoreArgs, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddRepositoryAppSettings();
// Serve wwwroot from the build output in every environment (the tests run as Production); a published app has
// no build manifest, so this changes nothing there.
builder.WebHost.UseStaticWebAssets();
var data = DataFolder.From(builder.Configuration, builder.Environment);
builder.Services.AddSingleton(data);

// The app clock: the tour clock when Clock:StartsAt is set, else the system clock.
builder.Services.AddSingleton<TimeProvider>(builder.Configuration["Clock:StartsAt"] is { Length: > 0 } startsAt
    ? new TourClock(DateTimeOffset.Parse(startsAt, System.Globalization.CultureInfo.InvariantCulture))
    : TimeProvider.System);
builder.Services.Configure<EurostarsOptions>(builder.Configuration.GetSection(EurostarsOptions.Section));
builder.Services.AddSingleton<EurostarsCalendar>();
builder.Services.AddScoped<PyPyLeads.Schedule.ClashDetector>();
builder.Services.AddDeals(builder.Configuration);
builder.Services.AddSingleton<PyPyLeads.Web.Features.Companies.CompanyTotalCache>();

builder.Services.AddLeadsDatabase(builder.Configuration, data);
builder.Services.AddDataProtection().SetApplicationName("PyPyLeads").PersistKeysToDbContext<LeadsDbContext>();
builder.Services.AddSignIn(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
builder.Services.AddBackgroundJobs(builder.Configuration, data);
builder.Services.AddBackups(builder.Configuration, data);
builder.Services.AddFollowUps(builder.Configuration, data);
builder.Services.AddHealthChecks().AddDbContextCheck<LeadsDbContext>("database");
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Scoped);
// The use cases, one line per feature; their validators (nested in each use case) are found in the domain assembly.
builder.Services.AddValidatorsFromAssemblyContaining<LeadsDbContext>(ServiceLifetime.Scoped);
builder.Services.AddLeadsUseCases();
builder.Services.AddFollowUpsUseCases();

builder.Services.AddControllersWithViews(options =>
{
    options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
    options.Filters.Add<ValidateWithFluentValidation>();
    options.Filters.Add<OneConnectionPerRequest>();
});
builder.Services.Configure<RazorViewEngineOptions>(o => o.ViewLocationExpanders.Add(new FeatureFolders()));

var app = builder.Build();
BackupsSetup.ClaimDatabase(app.Services); // a restore cannot swap the database under this app from here on

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
app.UseSecurityHeaders();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapStaticAssets().AllowAnonymous();
app.MapControllers();
app.MapHealthChecks("/health", Health.Options).AllowAnonymous();
app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AppPath = "/", DashboardTitle = "PyPyLeads jobs" })
    .RequireAuthorization(Authentication.AdminPolicy);

await Database.MigrateAsync(app.Services);
app.Lifetime.ApplicationStarted.Register(() =>
    app.Logger.LogInformation("PyPyLeads is running at {Urls} (data in {DataFolder})", string.Join(", ", app.Urls), data.Path));
await app.RunAsync();

public partial class Program;
