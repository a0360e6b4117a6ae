using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>
/// Counts the SQL commands EF Core runs against one test app's database (recognised by its data folder in the
/// connection string), through EF Core's DiagnosticListener, so parallel tests do not disturb the count.
/// </summary>
public sealed class SqlCommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _marker;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;
    private int _count;

    public SqlCommandCounter(string marker)
    {
        _marker = marker;
        _all = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    /// <summary>
    /// Repeats <paramref name="request"/> until this counter hears a command. EF asks whether anyone listens at most
    /// once a second per context (CoreOptionsExtension.LoggingCacheTime), and pooled contexts keep the last answer.
    /// </summary>
    public async Task HeardAsync(Func<Task> request)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Count == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("EF Core's diagnostics never reached the counter.");
            }
            await request();
            await Task.Delay(100);
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
            && data.Command.Connection?.ConnectionString.Contains(_marker, StringComparison.Ordinal) == true)
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
