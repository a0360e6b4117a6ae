using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using PyPyLeads.Web.Features.Setup;

namespace PyPyLeads.TestSupport;

/// <summary>
/// The set-up code a test's app wrote to its data folder at start (<see cref="SetupCodeAtStart"/>), read as an operator
/// reads it. Clients made by <see cref="LeadsApp"/> and apps started by <see cref="AppProcess"/> are remembered with
/// their data folder, so <see cref="People.SetUpAsync(HttpClient)"/> finds the code from the client alone.
/// </summary>
public static class SetupCodes
{
    private static readonly ConditionalWeakTable<HttpClient, string> ByClient = new();
    private static readonly ConcurrentDictionary<string, string> ByAddress = new();

    /// <summary>The code in <paramref name="dataDirectory"/>'s set-up code file.</summary>
    public static string Read(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, SetupCodeAtStart.FileName);
        return File.Exists(file)
            ? File.ReadAllText(file).Trim()
            : throw new InvalidOperationException($"No {SetupCodeAtStart.FileName} in {dataDirectory}: the app issues one at start until it is set up.");
    }

    public static void Remember(HttpClient client, string dataDirectory) => ByClient.AddOrUpdate(client, dataDirectory);

    /// <summary>For clients made elsewhere (a browser, a plain HttpClient) on an app's own loopback port.</summary>
    public static void Remember(Uri address, string dataDirectory) => ByAddress[address.Authority] = dataDirectory;

    /// <summary>The code of the app <paramref name="client"/> talks to.</summary>
    public static string For(HttpClient client) =>
        ByClient.TryGetValue(client, out var folder) ? Read(folder)
        : client.BaseAddress is { } address ? For(address)
        : throw new InvalidOperationException("This client has no base address: pass the set-up code (SetupCodes.Read).");

    /// <summary>The code of the app at <paramref name="address"/> (a loopback port of a LeadsApp or AppProcess).</summary>
    public static string For(Uri address) =>
        ByAddress.TryGetValue(address.Authority, out var folder) ? Read(folder)
        : throw new InvalidOperationException($"No app known at {address.Authority}: pass the set-up code (SetupCodes.Read of its data folder).");
}
