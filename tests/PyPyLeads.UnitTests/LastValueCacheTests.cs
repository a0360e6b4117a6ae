using PyPyLeads.Data;

namespace PyPyLeads.UnitTests;

public sealed class LastValueCacheTests
{
    private sealed class Figures : LastValueCache<int, string>;

    /// <summary>A computation that counts its runs and does not finish until released.</summary>
    private sealed class HeldComputation(string result)
    {
        private int _runs;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Runs => Volatile.Read(ref _runs);

        public async Task<string> RunAsync()
        {
            Interlocked.Increment(ref _runs);
            await Release.Task;
            return result;
        }
    }

    [Fact]
    public async Task Requests_that_ask_while_a_value_is_computed_wait_for_it_instead_of_computing_it_again()
    {
        var cache = new Figures();
        var computation = new HeldComputation("figures for minute 1");

        var askers = Enumerable.Range(0, 20).Select(_ => Task.Run(() => cache.GetOrComputeAsync(1, computation.RunAsync, CancellationToken.None))).ToList();
        await Task.Delay(200);
        Assert.Equal(1, computation.Runs);
        computation.Release.SetResult();

        Assert.All(await Task.WhenAll(askers), value => Assert.Equal("figures for minute 1", value));
        Assert.Equal(1, computation.Runs);
        Assert.Equal("figures for minute 1", await cache.GetOrComputeAsync(1, () => throw new InvalidOperationException("not asked again"), CancellationToken.None));

        // Another key computes again.
        Assert.Equal("minute 2", await cache.GetOrComputeAsync(2, () => Task.FromResult("minute 2"), CancellationToken.None));
        Assert.True(cache.TryGet(2, out var last) && last == "minute 2");
    }

    [Fact]
    public async Task A_failed_computation_fails_its_waiters_and_is_tried_again_by_the_next_request()
    {
        var cache = new Figures();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<string> Broken()
        {
            await release.Task;
            throw new InvalidOperationException("database is locked");
        }

        var first = Task.Run(() => cache.GetOrComputeAsync(1, Broken, CancellationToken.None));
        await Task.Delay(100);
        var waiter = cache.GetOrComputeAsync(1, () => Task.FromResult("not run"), CancellationToken.None);
        release.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => waiter);

        Assert.Equal("second try", await cache.GetOrComputeAsync(1, () => Task.FromResult("second try"), CancellationToken.None));
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_computation_to_finish_for_the_others()
    {
        var cache = new Figures();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var owner = Task.Run(() => cache.GetOrComputeAsync(1, async () => { await release.Task; return "done"; }, CancellationToken.None));
        await Task.Delay(100);
        using var leaving = new CancellationTokenSource();
        var waiter = cache.GetOrComputeAsync(1, () => Task.FromResult("not run"), leaving.Token);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);

        release.SetResult();
        Assert.Equal("done", await owner);
        Assert.True(cache.TryGet(1, out var value) && value == "done");
    }

    [Fact]
    public async Task A_refresh_runs_once_however_often_it_is_asked_for_and_its_result_becomes_the_last_value()
    {
        var cache = new Figures();
        cache.Set(1, "minute 1");
        var computation = new HeldComputation("minute 2");

        var refresh = cache.StartRefresh(2, computation.RunAsync);
        Assert.NotNull(refresh);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (computation.Runs == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.Null(cache.StartRefresh(2, computation.RunAsync)); // already under way
        Assert.True(cache.TryGetLast(out var key, out var value) && key == 1 && value == "minute 1"); // still served meanwhile

        computation.Release.SetResult();
        Assert.Equal("minute 2", await refresh);
        Assert.Equal(1, computation.Runs);
        Assert.True(cache.TryGetLast(out key, out value) && key == 2 && value == "minute 2");
        Assert.True(cache.TryGet(2, out _));
    }
}
