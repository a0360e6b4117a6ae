using System.Globalization;
using System.Net;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// The app on a real SQLite file and real Hangfire storage, sending to a real SMTP server on loopback, on a fake clock
/// that starts at 2 March 2011, 18:00 in Stockholm (09:00 Pacific). Hangfire's job server is off unless asked for, so
/// the tests run the jobs themselves, deterministically; the same code runs when Hangfire calls it.
/// </summary>
public sealed class ReminderRig : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2011, 3, 2, 17, 0, 0, TimeSpan.Zero);

    private readonly List<LeadsApp> _apps = [];

    private ReminderRig(FakeTimeProvider clock, SmtpSink smtp, LeadsApp app, HttpClient admin, string dataDirectory)
    {
        DataDirectory = dataDirectory;
        Clock = clock;
        Smtp = smtp;
        App = app;
        Admin = admin;
        _apps.Add(app);
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>The data folder every instance of the app shares; the rig's, so that stopping one instance keeps it.</summary>
    public string DataDirectory { get; }

    public SmtpSink Smtp { get; }

    public LeadsApp App { get; private set; }

    /// <summary>The user id of a person, by e-mail address.</summary>
    public Task<string> UserIdAsync(string email) =>
        InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>Laura Creighton, the first admin, signed in; her zone is Europe/Stockholm.</summary>
    public HttpClient Admin { get; private set; }

    public static async Task<ReminderRig> StartAsync(bool jobServer = false, Action<LeadsApp>? configure = null)
    {
        var clock = new FakeTimeProvider(Start);
        var smtp = new SmtpSink();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "rig-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var app = NewApp(clock, smtp, jobServer, dataDirectory);
        configure?.Invoke(app);
        var admin = app.Client();
        await People.SetUpAsync(admin);
        return new ReminderRig(clock, smtp, app, admin, dataDirectory);
    }

    public static LeadsApp NewApp(FakeTimeProvider clock, SmtpSink smtp, bool jobServer, string dataDirectory) =>
        new LeadsApp { Clock = clock }.SendingMailTo(smtp)
            .With("Hangfire:RunServer", jobServer ? "true" : "false")
            // The tests run the reconciler themselves; the watchdog has its own test.
            .With("FollowUps:WatchdogSeconds", "0")
            .With("Data:Directory", dataDirectory);

    /// <summary>Stops this app (as a process would stop) and starts another on the same data folder.</summary>
    public async Task RestartAsync(Action<LeadsApp>? configure = null, bool jobServer = false)
    {
        await App.DisposeAsync();
        _apps.Remove(App);
        var app = NewApp(Clock, Smtp, jobServer, DataDirectory);
        configure?.Invoke(app);
        _apps.Add(app);
        App = app;
        Admin = app.Client();
        People.Expect(await People.SignInAsync(Admin, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
    }

    /// <summary>A second app instance on the same database and Hangfire storage.</summary>
    public LeadsApp SecondInstance(bool jobServer)
    {
        var app = NewApp(Clock, Smtp, jobServer, DataDirectory);
        _apps.Add(app);
        return app;
    }

    public async Task<int> CompanyAsync(string name)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var company = new Company { Name = name, NameKey = CompanyKeys.Name(name), CreatedAtUtc = Clock.GetUtcNow().UtcDateTime, Source = LeadSource.TourStop, SourceTourStopId = 2 };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return company.Id;
    }

    /// <summary>Fills in and posts the "new follow-up" page as <paramref name="client"/>; the time is in <paramref name="zone"/>.</summary>
    public static async Task<HttpResponseMessage> PostNewAsync(HttpClient client, int companyId, string dueLocal, string ownerUserId, string zone = "Europe/Stockholm", string? note = null) =>
        await client.PostFormAsync($"/followups/new?companyId={companyId}", new Dictionary<string, string>
        {
            ["FollowUp.DueLocal"] = dueLocal,
            ["FollowUp.TimeZoneId"] = zone,
            ["FollowUp.OwnerUserId"] = ownerUserId,
            ["FollowUp.Note"] = note ?? "",
        }, "/followups/new");

    /// <summary>Schedules a follow-up through the page and returns its id.</summary>
    public async Task<int> NewFollowUpAsync(int companyId, TimeSpan dueIn, string? note = null, HttpClient? client = null, string? ownerUserId = null)
    {
        var due = Clock.GetUtcNow().UtcDateTime + dueIn;
        var local = PyPyLeads.Time.Zones.ToLocal(due, "Europe/Stockholm").ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var response = await PostNewAsync(client ?? Admin, companyId, local, ownerUserId ?? await UserIdAsync(People.AdminEmail), note: note);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var page = await response.ReadPageAsync();
            throw new InvalidOperationException("Not scheduled: " + string.Join(" | ", page.QuerySelectorAll(".field-validation-error, .validation-summary-errors").Select(e => e.TextContent.Trim())));
        }
        return int.Parse(response.Headers.Location!.OriginalString.Split('/').Last(), CultureInfo.InvariantCulture);
    }

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action, LeadsApp? app = null)
    {
        await using var scope = (app ?? App).Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>What the follow-up's Hangfire job would do when it runs.</summary>
    public Task<DeliveryOutcome> RunJobAsync(int followUpId, LeadsApp? app = null) =>
        InScopeAsync(sp => sp.GetRequiredService<FollowUpDelivery>().DeliverAsync(followUpId, null, CancellationToken.None), app);

    public Task<ReconcileReport> ReconcileAsync(LeadsApp? app = null) =>
        InScopeAsync(sp => sp.GetRequiredService<FollowUpReconciler>().ReconcileAsync(CancellationToken.None), app);

    public Task<int> SendDigestsAsync(LeadsApp? app = null) =>
        InScopeAsync(sp => sp.GetRequiredService<DailyDigest>().SendDueDigestsAsync(CancellationToken.None), app);

    public Task<FollowUp> FollowUpAsync(int id) =>
        InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().FollowUps.AsNoTracking().SingleAsync(f => f.Id == id));

    public Task<List<PyPyLeads.Timeline.TimelineEntry>> TimelineAsync(int companyId) =>
        InScopeAsync(sp => sp.GetRequiredService<LeadsDbContext>().Timeline.AsNoTracking()
            .Where(t => t.CompanyId == companyId).OrderBy(t => t.Id).ToListAsync());

    /// <summary>The state of a Hangfire job in the shared storage ("Scheduled", "Deleted"...), or null when there is none.</summary>
    public string? JobState(string? jobId)
    {
        if (jobId is null)
        {
            return null;
        }
        using var connection = App.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetJobData(jobId)?.State;
    }

    public DateTime? JobEnqueueAt(string jobId)
    {
        using var connection = App.Services.GetRequiredService<JobStorage>().GetConnection();
        var data = connection.GetStateData(jobId);
        return data?.Data.TryGetValue("EnqueueAt", out var at) == true
            ? Hangfire.Common.JobHelper.DeserializeDateTime(at)
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
        await Smtp.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping Hangfire worker; the temp folder is cleaned by the OS.
        }
    }
}
