using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;

namespace PyPyLeads.Tour;

/// <summary>
/// Change a stay's area and times (whose stay it is does not change). Only admins keep the stays.
/// Returns <see cref="Done{T}"/> of <see cref="Saved"/>, <see cref="Invalid"/>, <see cref="NotFound"/>,
/// <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="Current"/> when someone changed it since the form was shown.
/// </summary>
public sealed class EditTeamStay(LeadsDbContext db, IValidator<EditTeamStay.Input> validator)
{
    /// <param name="Version">The stay's version the caller saw.</param>
    public sealed record Input(int StayId, string? Area, DateTime? FromLocal, DateTime? ToLocal, long Version) : IStayTimes;

    public sealed record Saved(int StayId);

    /// <summary>The stay as it stands after someone else's change.</summary>
    public sealed record Current(int StayId, long Version);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() => Include(new StayTimesValidator());
    }

    private const string Changed = "Someone changed that stay meanwhile; here it is as it is now.";

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins keep who is where.");
        }
        if (!await db.TeamStays.AnyAsync(s => s.Id == input.StayId, cancellationToken))
        {
            return new NotFound("There is no such stay.");
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        var (fromUtc, toUtc) = StayTimesValidator.Instants(input);
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var stay = await db.TeamStays.SingleOrDefaultAsync(s => s.Id == input.StayId, ct);
            if (stay is null)
            {
                return new NotFound("There is no such stay.");
            }
            if (stay.Version != input.Version)
            {
                return new Conflict<Current>(new(stay.Id, stay.Version), Changed);
            }
            stay.Area = input.Area!;
            stay.FromUtc = fromUtc;
            stay.ToUtc = toUtc;
            if (await db.SaveUnlessChangedAsync(async ct =>
                {
                    var now = await db.TeamStays.AsNoTracking().SingleAsync(s => s.Id == input.StayId, ct);
                    return new Conflict<Current>(new(now.Id, now.Version), Changed);
                }, ct) is { } stale)
            {
                return stale;
            }
            return new Done<Saved>(new(stay.Id));
        }, cancellationToken);
    }
}
