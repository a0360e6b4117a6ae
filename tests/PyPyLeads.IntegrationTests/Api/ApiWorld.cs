using PyPyLeads.AccessTokens;
using PyPyLeads.IntegrationTests.Deals;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The app with an admin and a member of each consultancy (<see cref="DealsWorld"/>), each with a read-write token.</summary>
public sealed class ApiWorld : IAsyncDisposable
{
    private ApiWorld(DealsWorld world) => World = world;

    public DealsWorld World { get; }
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient OpenEnd { get; private set; } = null!;
    public HttpClient Merlinux { get; private set; } = null!;

    public static async Task<ApiWorld> StartAsync(Action<LeadsApp>? configure = null)
    {
        var world = new ApiWorld(await DealsWorld.StartAsync(app =>
        {
            app.With("Hangfire:RunServer", "false");
            configure?.Invoke(app);
        }));
        world.Admin = ApiTokens.Client(world.World, await ApiTokens.MakeAsync(world.World, await world.World.UserIdAsync(People.AdminEmail), AccessTokenScope.ReadWrite));
        world.OpenEnd = ApiTokens.Client(world.World, await ApiTokens.MakeAsync(world.World, await world.World.UserIdAsync("jacob@openend.se"), AccessTokenScope.ReadWrite));
        world.Merlinux = ApiTokens.Client(world.World, await ApiTokens.MakeAsync(world.World, await world.World.UserIdAsync("holger@merlinux.eu"), AccessTokenScope.ReadWrite));
        return world;
    }

    public Task<T> DbAsync<T>(Func<PyPyLeads.Data.LeadsDbContext, Task<T>> work) => World.DbAsync(work);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        OpenEnd.Dispose();
        Merlinux.Dispose();
        await World.DisposeAsync();
    }
}
