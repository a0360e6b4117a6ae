using FluentValidation;
using PyPyLeads.Schedule;
using PyPyLeads.Web.Features.Schedule;

namespace PyPyLeads.Web.Features.Meetings;

/// <summary>A lunch, dinner or other meeting: with which company and people, when, where, and who from the team.</summary>
public sealed class MeetingForm : WhenAndWhere
{
    public int? CompanyId { get; set; }
    public string? CompanyName { get; set; }
    public MeetingKind Kind { get; set; } = MeetingKind.Lunch;
    public string? PlaceAddress { get; set; }
    public List<int> PersonIds { get; set; } = [];
    public long Version { get; set; }
}

public sealed class MeetingFormValidator : AbstractValidator<MeetingForm>
{
    public MeetingFormValidator()
    {
        this.AddWhenAndWhereRules();
        RuleFor(x => x.CompanyName).NotEmpty().When(x => x.CompanyId is null).WithMessage("Enter the company you meet.")
            .MaximumLength(200).WithMessage("Use at most 200 characters.");
        RuleFor(x => x.Kind).IsInEnum().WithMessage("Choose lunch, dinner or other.");
        RuleFor(x => x.Place).NotEmpty().WithMessage("Enter where you meet (a restaurant, an office...).");
        RuleFor(x => x.PlaceAddress).MaximumLength(300).WithMessage("Use at most 300 characters.");
        RuleFor(x => x.TeamMemberIds).NotEmpty().WithMessage("Choose who from the team goes.");
    }
}

public sealed class OutcomeForm
{
    public string? Outcome { get; set; }
    public long Version { get; set; }
}

public sealed class OutcomeFormValidator : AbstractValidator<OutcomeForm>
{
    public OutcomeFormValidator() =>
        RuleFor(x => x.Outcome).NotEmpty().WithMessage("Write down what came of it.").MaximumLength(4000).WithMessage("Use at most 4,000 characters.");
}
