using System.Diagnostics;

namespace PyPyLeads.Benchmarks;

/// <summary>
/// A fixed, memory-bound piece of work (a random walk through 32 MB) timed on this machine, to show how busy its
/// neighbours kept the memory while a workload ran: on a shared virtual machine the same work was seen to take from
/// 50 to 360 ms within a minute, and every latency measured at such a time grows with it. Not a figure of the app.
/// </summary>
public static class MachineProbe
{
    private const int Slots = 8 << 20; // 8 M ints: 32 MB, beyond the caches
    private static readonly int[] Next = Shuffled();

    /// <summary>Milliseconds for one walk of 4 M steps.</summary>
    public static double WalkMs()
    {
        var watch = Stopwatch.StartNew();
        var at = 0;
        for (var i = 0; i < 4_000_000; i++)
        {
            at = Next[at];
        }
        watch.Stop();
        GC.KeepAlive(at);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The median of a few walks.</summary>
    public static double MedianWalkMs(int walks = 5) => Load.Median(Enumerable.Range(0, walks).Select(_ => WalkMs()));

    // One cycle through every slot (Sattolo's shuffle), so the walk never settles in a short loop the caches could hold.
    private static int[] Shuffled()
    {
        var next = new int[Slots];
        for (var i = 0; i < Slots; i++)
        {
            next[i] = i;
        }
        var random = new Random(7);
        for (var i = Slots - 1; i > 0; i--)
        {
            var j = random.Next(i);
            (next[i], next[j]) = (next[j], next[i]);
        }
        return next;
    }
}
