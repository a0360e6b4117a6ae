using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Setup;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>
/// Set-up that a stranger cannot take: the first start writes a one-time code to the log and the data folder, and the
/// set-up page creates nothing without it.
/// </summary>
public sealed class SetupCodeTests : IDisposable
{
    private readonly List<LeadsApp> _apps = [];

    private LeadsApp NewApp(Func<LeadsApp, LeadsApp>? configure = null)
    {
        var app = configure?.Invoke(new LeadsApp()) ?? new LeadsApp();
        _apps.Add(app);
        _ = app.Services; // started, as an operator starts it before looking for the code
        return app;
    }

    private static async Task<T> DbAsync<T>(LeadsApp app, Func<LeadsDbContext, Task<T>> read)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    private static Task<(int Users, bool Installed)> WhatExistsAsync(LeadsApp app) =>
        DbAsync(app, async db => (await db.Users.CountAsync(), await db.Installations.AnyAsync()));

    private static Dictionary<string, string> Fields(string code) => new()
    {
        ["SetupCode"] = code, ["DisplayName"] = "Mallory", ["Email"] = "mallory@example.com", ["TimeZoneId"] = "UTC",
        ["Password"] = "a long enough password", ["ConfirmPassword"] = "a long enough password",
    };

    [Fact]
    public async Task The_first_start_writes_a_set_up_code_to_the_log_and_to_the_data_folder_and_stores_only_its_hash()
    {
        var app = NewApp();
        var code = SetupCodes.Read(app.DataFolderInUse);

        Assert.Matches("^[A-Z2-9]{5}(-[A-Z2-9]{5}){4}$", code);
        Assert.Single(app.Logs.Lines, l => l.StartsWith($"Warning PyPyLeads.Setup: Set-up code: {code} (enter it at /setup", StringComparison.Ordinal));
        var file = Path.Combine(app.DataFolderInUse, SetupCodeAtStart.FileName);
        if (!OperatingSystem.IsWindows())
        {
            // Readable by the app's own user only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        var stored = await DbAsync(app, db => db.SetupCodes.SingleAsync());
        Assert.Equal(SetupCode.HashOf(code), stored.Hash);
        Assert.DoesNotContain(SetupCode.Normalise(code), stored.Hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_up_without_the_code_creates_nothing_and_says_where_the_code_is()
    {
        var app = NewApp();

        var response = await app.Client().PostFormAsync("/setup", Fields(""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SetUpFirstAdmin.EnterTheCode, (await response.ReadPageAsync()).FieldError("SetupCode"));
        Assert.Equal((0, false), await WhatExistsAsync(app));
    }

    [Fact]
    public async Task Set_up_with_a_wrong_code_creates_nothing()
    {
        var app = NewApp();
        var right = SetupCodes.Read(app.DataFolderInUse);
        // One character off.
        var wrong = (right[0] == 'A' ? "C" : "A") + right[1..];

        var response = await app.Client().PostFormAsync("/setup", Fields(wrong));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.Equal(SetUpFirstAdmin.WrongCode, page.FieldError("SetupCode"));
        Assert.Equal("mallory@example.com", page.QuerySelector("input[name=Email]")!.GetAttribute("value"));
        Assert.Equal((0, false), await WhatExistsAsync(app));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Set-up refused from ", StringComparison.Ordinal) && l.EndsWith("wrong set-up code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_code_sets_up_once_then_it_is_spent_and_its_file_is_gone()
    {
        var app = NewApp();
        var code = SetupCodes.Read(app.DataFolderInUse);

        await People.SetUpAsync(app.Client(), code);

        Assert.False(File.Exists(Path.Combine(app.DataFolderInUse, SetupCodeAtStart.FileName)));
        Assert.False(await DbAsync(app, db => db.SetupCodes.AnyAsync()));
        var again = await app.Client().PostAsync("/setup", new FormUrlEncodedContent(Fields(code)));
        Assert.NotEqual(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((1, true), await WhatExistsAsync(app));
    }

    [Fact]
    public async Task A_restart_before_set_up_shows_the_same_code_again_and_it_still_works()
    {
        var data = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "setup-" + Guid.NewGuid().ToString("N"));
        var first = NewApp(a => a.With("Data:Directory", data));
        var code = SetupCodes.Read(first.DataFolderInUse);
        first.Dispose();

        var second = NewApp(a => a.With("Data:Directory", data));

        Assert.Contains(second.Logs.Lines, l => l.Contains($"Set-up code: {code} ", StringComparison.Ordinal));
        await People.SetUpAsync(second.Client(), code);
        Assert.Equal((1, true), await WhatExistsAsync(second));
    }

    [Fact]
    public async Task Instances_sharing_a_database_keep_one_code_and_each_accepts_it()
    {
        var first = NewApp();
        var code = SetupCodes.Read(first.DataFolderInUse);
        // A second instance on the same database, with a data folder of its own (as on another machine).
        var second = NewApp(a => a.With("ConnectionStrings:Sqlite", $"Data Source={first.DatabasePath};Default Timeout=30"));

        Assert.False(File.Exists(Path.Combine(second.DataFolderInUse, SetupCodeAtStart.FileName)));
        Assert.Contains(second.Logs.Lines, l => l.Contains("Set-up code: issued at ", StringComparison.Ordinal) && l.Contains("by another instance", StringComparison.Ordinal));

        // Instances starting at the same moment on a fresh database: one code wins, the others find it.
        await DbAsync(first, db => db.SetupCodes.ExecuteDeleteAsync());
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            await using var scope = (i % 2 == 0 ? first : second).Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IssueSetupCode>().RunAsync(CancellationToken.None);
        }));
        var issued = Assert.IsType<IssueSetupCode.Issued>(Assert.Single(results, r => r is IssueSetupCode.Issued));
        Assert.All(results.Where(r => r is not IssueSetupCode.Issued), r => Assert.True(Assert.IsType<IssueSetupCode.AlreadyIssued>(r).Current.Accepts(issued.Code)));
        Assert.False((await DbAsync(first, db => db.SetupCodes.SingleAsync())).Accepts(code));

        // The other instance accepts the winning code.
        await People.SetUpAsync(second.Client(), issued.Code);
        Assert.Equal((1, true), await WhatExistsAsync(first));
    }

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }
}
