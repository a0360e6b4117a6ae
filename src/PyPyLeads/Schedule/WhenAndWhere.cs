using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.UseCases;

namespace PyPyLeads.Schedule;

/// <summary>
/// When and where an engagement (a presentation, a meeting) happens and who from the team goes, as people type it:
/// local times in the area's own zone. The part that is checked for clashes.
/// </summary>
public interface IWhenAndWhere
{
    string? Area { get; }
    string? Place { get; }
    DateTime? StartsLocal { get; }
    DateTime? EndsLocal { get; }
    IReadOnlyList<int> TeamMemberIds { get; }
    /// <summary>The caller has seen the clashes and books anyway.</summary>
    bool ConfirmClashes { get; }
}

public static class WhenAndWhereRules
{
    private static readonly DateTime Earliest = new(2000, 1, 1);
    private static readonly DateTime Latest = new(2100, 1, 1);

    /// <summary>
    /// The rules every engagement shares: a known area, a start and an end that exist in its zone, the end after the
    /// start and at most a week later, team members from the team list.
    /// </summary>
    public static void AddWhenAndWhereRules<T>(this AbstractValidator<T> validator, LeadsDbContext db) where T : IWhenAndWhere
    {
        validator.RuleFor(x => x.Area).Must(TourAreas.Exists).WithMessage("Choose the Bay Area or Atlanta.");
        validator.RuleFor(x => x.Place).MaximumLength(300).WithMessage("Use at most 300 characters.");
        validator.RuleFor(x => x.StartsLocal).NotNull().WithMessage("Enter when it starts.")
            .InclusiveBetween(Earliest, Latest).WithMessage("Enter a date between 2000 and 2100.")
            .Must((f, t) => ExistsIn(t, f.Area)).WithMessage("This time does not exist there: the clocks jump forward at that hour.");
        validator.RuleFor(x => x.EndsLocal).NotNull().WithMessage("Enter when it ends.")
            .InclusiveBetween(Earliest, Latest).WithMessage("Enter a date between 2000 and 2100.")
            .Must((f, t) => ExistsIn(t, f.Area)).WithMessage("This time does not exist there: the clocks jump forward at that hour.")
            .GreaterThan(f => f.StartsLocal).When(f => f.StartsLocal is not null).WithMessage("The end must be after the start.")
            .Must((f, t) => t is null || f.StartsLocal is null || t.Value - f.StartsLocal.Value <= TimeSpan.FromDays(7)).WithMessage("An engagement lasts at most a week.");
        validator.RuleFor(x => x.TeamMemberIds).Must(ids => ids.Count <= 20).WithMessage("Choose at most 20 team members.")
            // An id that is not on the team would fail the clash check and the save: say so instead.
            .MustAsync(async (ids, ct) => await db.TeamMembers.CountAsync(m => ids.Contains(m.Id), ct) == ids.Distinct().Count())
            .When(x => x.TeamMemberIds.Count is > 0 and <= 20).WithMessage("Choose team members from the list.");
    }

    /// <summary>The start as an instant; only once the input is valid.</summary>
    public static DateTime StartsAtUtc(this IWhenAndWhere when) => Zones.ToUtc(when.StartsLocal!.Value, TourAreas.ZoneOf(when.Area!));

    public static DateTime EndsAtUtc(this IWhenAndWhere when) => Zones.ToUtc(when.EndsLocal!.Value, TourAreas.ZoneOf(when.Area!));

    /// <summary>What the clash check looks at; only once the input is valid.</summary>
    public static Booking Booking(this IWhenAndWhere when) =>
        new(when.Area!, when.Place, when.StartsAtUtc(), when.EndsAtUtc(), when.TeamMemberIds);

    /// <summary>What the timeline says of a booking made despite clashes (null when there were none).</summary>
    public static string? BookedDespite(IReadOnlyList<Clash> clashes) =>
        clashes.Count > 0 ? "Booked despite: " + string.Join(" ", clashes.Select(c => c.Reason)) : null;

    /// <summary>Nothing saved: who is elsewhere or busy then; the same input with <see cref="IWhenAndWhere.ConfirmClashes"/> books it anyway.</summary>
    public static DuplicatesFound<Clash> Clashes(IReadOnlyList<Clash> clashes) =>
        new(clashes, nameof(IWhenAndWhere.ConfirmClashes), "Check the schedule first.");

    private static bool ExistsIn(DateTime? local, string? area) =>
        local is null || !TourAreas.Exists(area) || !Zones.Find(TourAreas.ZoneOf(area!)).IsInvalidTime(DateTime.SpecifyKind(local.Value, DateTimeKind.Unspecified));
}
