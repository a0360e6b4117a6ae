namespace PyPyLeads.IntegrationTests;

/// <summary>For work the app finishes after it has answered (a background refresh, a save the client stopped waiting for).</summary>
public static class Eventually
{
    /// <summary>Reads until the value is <paramref name="expected"/> or 15 s have passed; returns the last value read, for the test to assert.</summary>
    public static async Task<T> EqualAsync<T>(T expected, Func<Task<T>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var value = await read();
        while (!EqualityComparer<T>.Default.Equals(value, expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            value = await read();
        }
        return value;
    }
}
