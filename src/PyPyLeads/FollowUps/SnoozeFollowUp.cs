using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// Snooze a follow-up for 15 minutes, an hour, or until tomorrow 09:00 in its owner's zone: it reminds again then (a
/// new round), if that is still before the Eurostars end. Its owner, whoever scheduled it, and admins may.
/// Returns <see cref="Done{T}"/> of <see cref="Snoozed"/>, <see cref="Invalid"/> (no such choice, already closed, past
/// the end), <see cref="NotFound"/>, <see cref="NotAllowed"/>, or <see cref="Conflict{T}"/> of <see cref="FollowUpChanges.Current"/> when it changed since the caller's page was shown.
/// </summary>
public sealed class SnoozeFollowUp(FollowUpChanges changes, FollowUpScheduler scheduler, FollowUpDeadlines deadlines, LeadsDbContext db, IValidator<SnoozeFollowUp.Input> validator)
{
    /// <param name="For">One of <see cref="Choices"/>.</param>
    /// <param name="Version">The follow-up's version the caller saw: a stale page changes nothing.</param>
    public sealed record Input(int FollowUpId, string? For, long Version);

    /// <param name="Message">Says until when, in the caller's zone.</param>
    public sealed record Snoozed(int FollowUpId, DateTime UntilUtc, string Message);

    /// <summary>What the snooze buttons offer.</summary>
    public static class Choices
    {
        public const string FifteenMinutes = "15m";
        public const string OneHour = "1h";
        public const string TomorrowMorning = "tomorrow";

        public static readonly IReadOnlyList<(string Value, string Label)> All =
            [(FifteenMinutes, "15 min"), (OneHour, "1 hour"), (TomorrowMorning, "Tomorrow 09:00")];

        /// <summary>The instant to snooze until, from <paramref name="nowUtc"/>, in the owner's zone for "tomorrow 09:00".</summary>
        public static (DateTime UntilUtc, string Label)? Resolve(string? choice, DateTime nowUtc, string ownerZone) => choice switch
        {
            FifteenMinutes => (nowUtc.AddMinutes(15), "for 15 minutes"),
            OneHour => (nowUtc.AddHours(1), "for an hour"),
            TomorrowMorning => (Zones.ToUtc(DateOnly.FromDateTime(Zones.ToLocal(nowUtc, ownerZone)).AddDays(1).ToDateTime(new TimeOnly(9, 0)), ownerZone), "until tomorrow morning"),
            _ => null,
        };
    }

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.For).Must(c => Choices.All.Any(a => a.Value == c))
                .WithMessage("Choose how long to snooze: 15 minutes, an hour, or until tomorrow morning.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var until = default((DateTime UntilUtc, string Label));
        return changes.RunAsync(input.FollowUpId, input.Version, caller, async (followUp, ct) =>
        {
            if (await validator.CheckAsync(input, ct) is { } invalid)
            {
                return invalid;
            }
            if (!followUp.IsOpen)
            {
                return new Invalid("", FollowUpRules.Already(followUp));
            }
            var zone = await db.Users.Where(u => u.Id == followUp.OwnerUserId).Select(u => u.TimeZoneId).FirstOrDefaultAsync(ct) ?? "UTC";
            until = Choices.Resolve(input.For, deadlines.NowUtc, zone)!.Value;
            if (deadlines.Check(until.UntilUtc) is { } problem)
            {
                return new Invalid(nameof(Input.For), problem);
            }
            await scheduler.StageSnoozeAsync(followUp, until.UntilUtc, until.Label, caller.Actor, ct);
            return null;
        }, f => new Done<Snoozed>(new(f.Id, until.UntilUtc, $"Snoozed {until.Label}: due {ReminderMail.FormatTime(until.UntilUtc, caller.TimeZoneId)}.")), cancellationToken);
    }
}
