using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.TestSupport;

/// <summary>
/// The real app's services on a real SQLite file, to call use cases directly (no HTTP): each call gets its own
/// scope, as a request would, so what a test reads back is what was committed.
/// </summary>
public sealed class UseCaseRig : IAsyncDisposable
{
    private UseCaseRig(LeadsApp app) => App = app;

    public LeadsApp App { get; }

    /// <summary>Starts the app (migrations and reference data applied); <paramref name="configure"/> sets its settings and clock first.</summary>
    public static UseCaseRig Start(Action<LeadsApp>? configure = null)
    {
        var app = new LeadsApp();
        configure?.Invoke(app);
        _ = app.Services; // starts the host
        return new UseCaseRig(app);
    }

    /// <summary>Creates a user straight in the database and returns them as a caller.</summary>
    public async Task<Caller> UserAsync(string name, string email, bool admin = false, int? consultancyId = null, string timeZoneId = "Europe/Stockholm")
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, ConsultancyId = consultancyId,
            TimeZoneId = timeZoneId, CreatedAtUtc = DateTime.UtcNow,
        };
        Check(await users.CreateAsync(user, "a long enough password"));
        Check(await users.AddToRoleAsync(user, admin ? Roles.Admin : Roles.Member));
        return new Caller(user.Id, name, admin, consultancyId, timeZoneId);

        static void Check(IdentityResult result)
        {
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
            }
        }
    }

    /// <summary>Resolves the use case in a fresh scope and runs <paramref name="call"/> on it.</summary>
    public async Task<TResult> RunAsync<TUseCase, TResult>(Func<TUseCase, Task<TResult>> call) where TUseCase : notnull
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TUseCase>());
    }

    /// <summary>Reads (or arranges) the database in a fresh scope.</summary>
    public async Task<T> DbAsync<T>(Func<LeadsDbContext, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    /// <summary>Adds a company (and whatever else <paramref name="arrange"/> sets on it) and returns its id.</summary>
    public Task<int> CompanyAsync(string name, Action<PyPyLeads.Companies.Company>? arrange = null) => DbAsync(async db =>
    {
        var company = new PyPyLeads.Companies.Company
        {
            Name = name, NameKey = PyPyLeads.Companies.CompanyKeys.Name(name), CreatedAtUtc = DateTime.UtcNow,
        };
        arrange?.Invoke(company);
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        await PyPyLeads.Companies.SearchIndex.RefreshAsync(db, [company.Id], CancellationToken.None);
        return company.Id;
    });

    public ValueTask DisposeAsync()
    {
        App.Dispose();
        return ValueTask.CompletedTask;
    }
}
