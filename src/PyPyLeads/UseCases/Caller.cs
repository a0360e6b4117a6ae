using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Timeline;

namespace PyPyLeads.UseCases;

/// <summary>
/// Who asks a use case to act: every use case takes one, checks its permission rules against it, and records its
/// <see cref="Actor"/> (the display name) on the timeline. The pages build it from the signed-in user; tests, the API
/// and jobs from a user id.
/// </summary>
public sealed record Caller(string UserId, string Name, bool IsAdmin, int? ConsultancyId, string TimeZoneId)
{
    public Actor Actor => new(UserId, Name);

    /// <summary>Admins act on every consultancy's records, members on their own consultancy's.</summary>
    public bool MayChange(int consultancyId) => IsAdmin || ConsultancyId == consultancyId;

    /// <summary>The user as they are in the database now; null when there is no such user.</summary>
    public static async Task<Caller?> LoadAsync(LeadsDbContext db, string userId, bool isAdmin, CancellationToken cancellationToken)
    {
        var row = await Row(db, userId, cancellationToken);
        return row is null ? null : new Caller(userId, row.DisplayName, isAdmin, row.ConsultancyId, row.TimeZoneId);
    }

    private static readonly Func<LeadsDbContext, string, CancellationToken, Task<UserRow?>> Row =
        EF.CompileAsyncQuery((LeadsDbContext db, string id, CancellationToken _) =>
            db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new UserRow(u.DisplayName, u.ConsultancyId, u.TimeZoneId)).SingleOrDefault());

    private sealed record UserRow(string DisplayName, int? ConsultancyId, string TimeZoneId);
}
