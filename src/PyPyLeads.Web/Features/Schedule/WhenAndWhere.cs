using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using PyPyLeads.Schedule;
using PyPyLeads.Time;
using PyPyLeads.Timeline;

namespace PyPyLeads.Web.Features.Schedule;

/// <summary>
/// When and where an engagement happens and who from the team goes: the part of the presentation and meeting
/// forms that is checked for clashes. Times are typed in the area's own zone.
/// </summary>
public class WhenAndWhere
{
    public string? Area { get; set; } = TourAreas.BayArea;
    public string? Place { get; set; }
    public DateTime? StartsLocal { get; set; }
    public DateTime? EndsLocal { get; set; }
    public List<int> TeamMemberIds { get; set; } = [];
    /// <summary>Set when the user has seen the clash warnings and books anyway.</summary>
    public bool ConfirmClashes { get; set; }

    // Methods, not properties: MVC's validation walks properties, and these only exist once the form is valid.
    public DateTime StartsAtUtc() => Zones.ToUtc(StartsLocal!.Value, TourAreas.ZoneOf(Area!));

    public DateTime EndsAtUtc() => Zones.ToUtc(EndsLocal!.Value, TourAreas.ZoneOf(Area!));

    public static string LocalInputValue(DateTime? utc, string? area) =>
        utc is { } u && TourAreas.Exists(area)
            ? Zones.ToLocal(u, TourAreas.ZoneOf(area!)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)
            : "";

    public static string LocalInputValue(DateTime? local) =>
        local?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? "";
}

public static class WhenAndWhereRules
{
    private static readonly DateTime Earliest = new(2000, 1, 1);
    private static readonly DateTime Latest = new(2100, 1, 1);

    /// <summary>The rules every engagement form shares: a known area, a start and an end that exist in its zone, end after start.</summary>
    public static void AddWhenAndWhereRules<T>(this AbstractValidator<T> validator) where T : WhenAndWhere
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
        validator.RuleFor(x => x.TeamMemberIds).Must(ids => ids.Count <= 20).WithMessage("Choose at most 20 team members.");
    }

    private static bool ExistsIn(DateTime? local, string? area) =>
        local is null || !TourAreas.Exists(area) || !Zones.Find(TourAreas.ZoneOf(area!)).IsInvalidTime(DateTime.SpecifyKind(local.Value, DateTimeKind.Unspecified));
}

public static class TimelineExtensions
{
    /// <summary>Appends a line to a company's timeline; saved with the change it describes.</summary>
    public static void AddTimeline(this Data.LeadsDbContext db, ClaimsPrincipal user, DateTime nowUtc, int companyId, string kind, string summary, string? details, string subjectType, long subjectId) =>
        db.Timeline.Add(new TimelineEntry
        {
            CompanyId = companyId, AtUtc = nowUtc, Kind = kind, Summary = summary, Details = details,
            ActorUserId = user.FindFirstValue(ClaimTypes.NameIdentifier), ActorName = user.Identity?.Name,
            SubjectType = subjectType, SubjectId = subjectId,
        });
}
