using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// A user sets the time zone their pages, reminder e-mails and daily digest use; each user changes only their own.
/// Returns <see cref="Done{T}"/> of <see cref="Changed"/>, <see cref="Invalid"/>, or <see cref="NotFound"/> when the caller's user is gone.
/// </summary>
public sealed class ChangeTimeZone(LeadsDbContext db, IValidator<ChangeTimeZone.Input> validator)
{
    public sealed record Input(string? TimeZoneId);

    public sealed record Changed(string TimeZoneId, string Message);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator() =>
            RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            var changed = await db.Users.Where(u => u.Id == caller.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZoneId, input.TimeZoneId!), ct);
            return changed == 0
                ? new NotFound("There is no such user.")
                : new Done<Changed>(new(input.TimeZoneId!, "Saved: times are now shown in " + input.TimeZoneId + "."));
        }, cancellationToken);
    }
}
