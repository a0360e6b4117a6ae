using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.Tour;

namespace PyPyLeads.UseCases;

/// <summary>
/// Who asks a use case to act: every use case takes one, checks its permission rules against it, and records its
/// <see cref="Actor"/> (the display name) on the timeline. The pages build it from the signed-in user; tests, the API
/// and jobs from a user id.
/// </summary>
public sealed record Caller(string UserId, string Name, bool IsAdmin, int? ConsultancyId, string TimeZoneId)
{
    public Actor Actor => new(UserId, Name);

    /// <summary>Where the request came from, for the security log (<see cref="SecurityEvents"/>); null away from a request.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>
    /// Each consultancy's data its own: admins change every record, members those of their own consultancy and
    /// unassigned leads (<paramref name="consultancyId"/> null), and everyone signed in reads them all. The one rule
    /// every use case checks, and the pages ask to hide what the viewer may not do.
    /// </summary>
    public bool MayChange(int? consultancyId) => IsAdmin || consultancyId is null || ConsultancyId == consultancyId;

    /// <summary>Why the caller may not change <paramref name="what"/> of <paramref name="consultancyId"/>; null when they may (<see cref="MayChange"/>).</summary>
    public NotAllowed? RefusalFor(int? consultancyId, string what) => MayChange(consultancyId) ? null
        : new NotAllowed($"{what} is {Consultancy.Describe(consultancyId)}'s: only its members and admins change it. You can read it.");

    /// <summary>The user as they are in the database now; null when there is no such user.</summary>
    public static async Task<Caller?> LoadAsync(LeadsDbContext db, string userId, bool isAdmin, CancellationToken cancellationToken)
    {
        var row = await Row(db, userId, cancellationToken);
        return row is null ? null : new Caller(userId, row.DisplayName, isAdmin, row.ConsultancyId, row.TimeZoneId);
    }

    /// <summary>The user as they are in the database now, their role read there too (for work done away from a request: jobs); null when there is no such user.</summary>
    public static async Task<Caller?> LoadAsync(LeadsDbContext db, string userId, CancellationToken cancellationToken)
    {
        var isAdmin = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             where ur.UserId == userId && r.Name == PyPyLeads.Users.Roles.Admin
                             select ur).AnyAsync(cancellationToken);
        return await LoadAsync(db, userId, isAdmin, cancellationToken);
    }

    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<UserRow?>> Row =
        EF.CompileAsyncQuery((LeadsDbContext db, string id, CancellationToken _) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new UserRow(u.DisplayName, u.ConsultancyId, u.TimeZoneId)).SingleOrDefault());

    private sealed record UserRow(string DisplayName, int? ConsultancyId, string TimeZoneId);
}
