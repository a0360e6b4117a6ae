using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;

namespace PyPyLeads.Users;

/// <summary>
/// At start, before anyone is set up: makes sure one set-up code exists (<see cref="SetupCode"/>), and says whether this
/// instance issued it (then it alone knows the code, and shows it) or found one already issued (by an earlier start,
/// or by another instance starting at the same moment: the database's fixed key lets exactly one insert win).
/// </summary>
public sealed class IssueSetupCode(LeadsDbContext db, TimeProvider clock)
{
    public abstract record Result;

    /// <summary>Set up already: no code is needed.</summary>
    public sealed record NotNeeded : Result;

    /// <summary>This start issued <paramref name="Code"/>; nobody else knows it.</summary>
    public sealed record Issued(string Code) : Result;

    /// <summary>A code was issued before (<paramref name="Current"/> checks a candidate against it).</summary>
    public sealed record AlreadyIssued(SetupCode Current) : Result;

    public async Task<Result> RunAsync(CancellationToken cancellationToken)
    {
        if (await db.Installations.AnyAsync(cancellationToken))
        {
            return new NotNeeded();
        }
        if (await db.SetupCodes.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } current)
        {
            return new AlreadyIssued(current);
        }
        var code = SetupCode.NewCode();
        db.SetupCodes.Add(new SetupCode { Hash = SetupCode.HashOf(code), IssuedAtUtc = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new Issued(code);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another instance inserted its code first: that one counts, on every instance.
            db.ChangeTracker.Clear();
            return await db.SetupCodes.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } winner
                ? new AlreadyIssued(winner)
                : new NotNeeded(); // and set-up has used it already
        }
    }
}
