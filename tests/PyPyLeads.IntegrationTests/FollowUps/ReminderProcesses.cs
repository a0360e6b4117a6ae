using Microsoft.EntityFrameworkCore;
using PyPyLeads.FollowUps;

namespace PyPyLeads.IntegrationTests.FollowUps;

/// <summary>
/// The app as its own process (its build output, started with dotnet), on a data folder of its own, sending to a real
/// SMTP server on loopback in this process, on the real clock: for the faults an in-process host cannot show, a process
/// killed with kill -9 and two processes on one database and one Hangfire storage. The first admin (Laura Creighton)
/// is set up through the set-up page; the follow-ups are written straight into the database while no app runs.
/// </summary>
public sealed class ReminderProcesses : IAsyncDisposable
{
    private readonly List<AppProcess> _started = [];

    private ReminderProcesses()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "processes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    public SmtpSink Smtp { get; } = new();

    /// <summary>Starts the app once to create its database and set up the first admin, then stops it.</summary>
    public static async Task<ReminderProcesses> SetUpAsync()
    {
        var rig = new ReminderProcesses();
        try
        {
            await using var first = await rig.StartAsync();
            using var client = first.Client();
            await People.SetUpAsync(client);
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
        return rig;
    }

    /// <summary>Writes <paramref name="count"/> follow-ups for Laura, all due at one instant, <paramref name="dueIn"/> from now (real time).</summary>
    public async Task<IReadOnlyCollection<int>> DueAsync(int count, TimeSpan dueIn)
    {
        var at = DateTime.UtcNow + dueIn;
        return (await ReminderData.WriteDueAsync(DataDirectory, count, _ => at)).Keys.ToList();
    }

    /// <summary>Starts an app process on the data folder with <paramref name="settings"/> on top of the rig's (mail to <see cref="Smtp"/>).</summary>
    public async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>(Smtp.AppSettings)
        {
            // The real clock is years past the tour: the Eurostars end must lie ahead, or every follow-up would be flagged as after it.
            ["Eurostars:EndsOn"] = "2030-12-31",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        var app = await AppProcess.StartAsync(AppProcess.BuildOutput, DataDirectory, all);
        lock (_started)
        {
            _started.Add(app);
        }
        return app;
    }

    /// <summary>The reminders the SMTP server accepted (the owner's daily digest may go out too; it is not one).</summary>
    public IReadOnlyList<ReceivedMail> Reminders => Smtp.Received.Where(IsReminder).ToList();

    public static bool IsReminder(ReceivedMail mail) => mail.Message.Headers["X-PyPyLeads-FollowUp"] is not null;

    /// <summary>The follow-up a reminder is about.</summary>
    public static int FollowUpOf(ReceivedMail mail) => int.Parse(mail.Message.Headers["X-PyPyLeads-FollowUp"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every follow-up's state, read from the database as it stands on disk.</summary>
    public async Task<Dictionary<int, FollowUpState>> StatesAsync()
    {
        await using var db = ReminderData.Open(DataDirectory);
        return await db.FollowUps.AsNoTracking().ToDictionaryAsync(f => f.Id, f => f.State);
    }

    /// <summary>
    /// How long a test waits for the app before it gives up: far longer than the work takes (seconds), as a machine
    /// shared with other builds can be many times slower; speed is the benchmarks' to measure, not the tests'.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>Reads the database until every follow-up is in <paramref name="state"/>, for at most <see cref="Patience"/>.</summary>
    public async Task WaitForAllAsync(FollowUpState state)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var states = await StatesAsync();
            if (states.Values.All(s => s == state))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not every follow-up is {state} after {Patience.TotalMinutes:F0} minutes: " +
                    string.Join(", ", states.Values.GroupBy(s => s).Select(g => $"{g.Count()} {g.Key}")) + ". The apps' last lines:\n" + Tail());
            }
            await Task.Delay(250);
        }
    }

    /// <summary>The last lines each app process wrote, for a failure's message.</summary>
    public string Tail(int lines = 30) => string.Join("\n---\n", _started.Select(a => string.Join("\n", a.LinesSince(Math.Max(0, a.LineCount - lines)))));

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _started)
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
            // The temp folder is cleaned by the OS.
        }
    }
}
