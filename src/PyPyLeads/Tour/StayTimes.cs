using FluentValidation;
using PyPyLeads.Schedule;
using PyPyLeads.Time;

namespace PyPyLeads.Tour;

/// <summary>Where a team member stays and when, as entered: local times of the area (the area's zone makes them instants).</summary>
public interface IStayTimes
{
    string? Area { get; }
    DateTime? FromLocal { get; }
    DateTime? ToLocal { get; }
}

/// <summary>The rules of a stay's area and times, shared by adding and editing a stay.</summary>
public sealed class StayTimesValidator : AbstractValidator<IStayTimes>
{
    private static readonly DateTime Earliest = new(2000, 1, 1);
    private static readonly DateTime Latest = new(2100, 1, 1);

    public StayTimesValidator()
    {
        RuleFor(x => x.Area).Must(TourAreas.Exists).WithMessage("Choose the Bay Area or Atlanta.");
        RuleFor(x => x.FromLocal).NotNull().WithMessage("Enter when the stay begins.")
            .InclusiveBetween(Earliest, Latest).WithMessage("Enter a date between 2000 and 2100.");
        RuleFor(x => x.ToLocal).NotNull().WithMessage("Enter when the stay ends.")
            .InclusiveBetween(Earliest, Latest).WithMessage("Enter a date between 2000 and 2100.")
            .GreaterThan(x => x.FromLocal).When(x => x.FromLocal is not null).WithMessage("The end must be after the beginning.");
    }

    /// <summary>The stay's instants, once the times are valid.</summary>
    public static (DateTime FromUtc, DateTime ToUtc) Instants(IStayTimes stay) =>
        (Zones.ToUtc(stay.FromLocal!.Value, TourAreas.ZoneOf(stay.Area!)), Zones.ToUtc(stay.ToLocal!.Value, TourAreas.ZoneOf(stay.Area!)));
}
