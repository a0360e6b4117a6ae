using FluentValidation;
using PyPyLeads.Web.Features.Schedule;

namespace PyPyLeads.Web.Features.Presentations;

/// <summary>Schedules (or reschedules) a request: when, where and who presents.</summary>
public sealed class ScheduleForm : WhenAndWhere
{
    public long Version { get; set; }
}

public sealed class ScheduleFormValidator : AbstractValidator<ScheduleForm>
{
    public ScheduleFormValidator()
    {
        this.AddWhenAndWhereRules();
        RuleFor(x => x.Place).NotEmpty().WithMessage("Enter where the presentation takes place.");
        RuleFor(x => x.TeamMemberIds).NotEmpty().WithMessage("Choose who presents.");
    }
}

public sealed class DeliverForm
{
    public int? Attendance { get; set; }
    public string? Notes { get; set; }
    public long Version { get; set; }
}

public sealed class DeliverFormValidator : AbstractValidator<DeliverForm>
{
    public DeliverFormValidator()
    {
        RuleFor(x => x.Attendance).NotNull().WithMessage("Enter how many people came.")
            .InclusiveBetween(0, 100_000).WithMessage("Enter a number from 0 to 100,000.");
        RuleFor(x => x.Notes).MaximumLength(4000).WithMessage("Use at most 4,000 characters.");
    }
}

/// <summary>Declining or cancelling says why.</summary>
public sealed class ReasonForm
{
    public string? Reason { get; set; }
    public long Version { get; set; }
}

public sealed class ReasonFormValidator : AbstractValidator<ReasonForm>
{
    public ReasonFormValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why.").MaximumLength(2000).WithMessage("Use at most 2,000 characters.");
}
