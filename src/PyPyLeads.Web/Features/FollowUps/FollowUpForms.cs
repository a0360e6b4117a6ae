using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Time;

namespace PyPyLeads.Web.Features.FollowUps;

/// <summary>
/// The follow-up fields any form can embed (the new follow-up page, log a contact, a deal, a meeting, a presentation
/// request): who, when (a wall-clock time in a named zone), and a note. Render them with
/// <c>@await Component.InvokeAsync("FollowUpFields", new { values = Model.FollowUp, prefix = "FollowUp", optional = true })</c>
/// and validate them with <see cref="FollowUpFieldsValidator"/> (e.g. <c>RuleFor(x => x.FollowUp).SetValidator(fields)</c>).
/// </summary>
public sealed class FollowUpFields
{
    /// <summary>For optional embedding: a follow-up is scheduled only when the box is ticked.</summary>
    public bool Wanted { get; set; } = true;
    public string? OwnerUserId { get; set; }
    /// <summary>As a datetime-local input sends it: 2011-03-04T10:00 (seconds optional).</summary>
    public string? DueLocal { get; set; }
    public string? TimeZoneId { get; set; }
    public string? Note { get; set; }
    /// <summary>
    /// On the edit page, the due instant the follow-up has now (round-trip format). Left unchanged, it is not held to
    /// the deadline rule again: it may have passed (that is why it is being edited) or been flagged after a change of
    /// the Eurostars end, and the note or owner must still be editable. The save checks against the database anyway.
    /// </summary>
    public string? CurrentDueUtc { get; set; }

    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF"];

    public static bool TryParseLocal(string? text, out DateTime local) =>
        DateTime.TryParseExact(text?.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out local);

    /// <summary>The due instant, or null when the fields do not name one (the validator says why).</summary>
    public DateTime? DueUtc()
    {
        if (!TryParseLocal(DueLocal, out var local) || !Zones.Exists(TimeZoneId))
        {
            return null;
        }
        var zone = Zones.Find(TimeZoneId!);
        return zone.IsInvalidTime(local) ? null : Zones.ToUtc(local, TimeZoneId!);
    }

    public static string ToLocalInput(DateTime utc, string timeZoneId) =>
        Zones.ToLocal(utc, timeZoneId).ToString(utc.Second == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>For a new follow-up: the signed-in user, in their zone, tomorrow at 09:00 (if that is before the end).</summary>
    public static FollowUpFields Defaults(string userId, string timeZoneId, FollowUpDeadlines deadlines, bool wanted = true)
    {
        var tomorrow = DateOnly.FromDateTime(Zones.ToLocal(deadlines.NowUtc, timeZoneId)).AddDays(1);
        var suggestion = Zones.ToUtc(tomorrow.ToDateTime(new TimeOnly(9, 0)), timeZoneId);
        return new FollowUpFields
        {
            Wanted = wanted,
            OwnerUserId = userId,
            TimeZoneId = timeZoneId,
            DueLocal = deadlines.Check(suggestion) is null ? ToLocalInput(suggestion, timeZoneId) : null,
        };
    }
}

/// <summary>
/// Reading the fields: a date and a time that exist in a named zone. The follow-up's own rules (who, before the end,
/// the note) are the use cases'; <see cref="FollowUpFieldsValidator"/> adds them for the forms that embed the fields.
/// </summary>
public sealed class FollowUpFieldsReading : AbstractValidator<FollowUpFields>
{
    public FollowUpFieldsReading()
    {
        When(x => x.Wanted, () =>
        {
            RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
            RuleFor(x => x.DueLocal).Custom((text, context) =>
            {
                var fields = context.InstanceToValidate;
                if (string.IsNullOrWhiteSpace(text))
                {
                    context.AddFailure("Enter when to follow up.");
                    return;
                }
                if (!FollowUpFields.TryParseLocal(text, out var local))
                {
                    context.AddFailure("Enter a date and a time, such as 2011-03-04 10:00.");
                    return;
                }
                if (Zones.Exists(fields.TimeZoneId) && Zones.Find(fields.TimeZoneId!).IsInvalidTime(local))
                {
                    context.AddFailure("That time does not exist there: the clocks jump forward that night. Choose another time.");
                }
            });
        });
    }
}

/// <summary>
/// The fields read (<see cref="FollowUpFieldsReading"/>) and held to the follow-up rules (<see cref="FollowUpRules"/>,
/// <see cref="FollowUpDeadlines"/>), with each message beside its field: for the forms that embed them.
/// </summary>
public sealed class FollowUpFieldsValidator : AbstractValidator<FollowUpFields>
{
    public FollowUpFieldsValidator(LeadsDbContext db, FollowUpDeadlines deadlines)
    {
        Include(new FollowUpFieldsReading());
        When(x => x.Wanted, () =>
        {
            RuleFor(x => x.OwnerUserId).FollowUpOwner(db);
            RuleFor(x => x.DueLocal).Custom((_, context) =>
            {
                var fields = context.InstanceToValidate;
                if (fields.DueUtc() is not { } dueUtc)
                {
                    return; // reading it says why
                }
                if (DateTime.TryParse(fields.CurrentDueUtc, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var current)
                    && current.ToUniversalTime() == dueUtc)
                {
                    return;
                }
                if (deadlines.Check(dueUtc) is { } problem)
                {
                    context.AddFailure(problem);
                }
            });
            RuleFor(x => x.Note).FollowUpNote();
        });
    }
}

/// <summary>The "new follow-up" page's form: the company (and optional finer subject) plus the fields.</summary>
public sealed class NewFollowUpForm
{
    public int CompanyId { get; set; }
    public string? SubjectType { get; set; }
    public int? SubjectId { get; set; }
    public string? ReturnUrl { get; set; }
    public FollowUpFields FollowUp { get; set; } = new();
}

/// <summary>Only reading the form: <see cref="ScheduleFollowUp"/> holds the rules.</summary>
public sealed class NewFollowUpFormValidator : AbstractValidator<NewFollowUpForm>
{
    public NewFollowUpFormValidator()
    {
        // The page always sends Wanted=true; a form that says otherwise would skip reading the fields.
        RuleFor(x => x.FollowUp.Wanted).Equal(true).WithMessage("Fill in the follow-up.");
        RuleFor(x => x.FollowUp).SetValidator(new FollowUpFieldsReading());
    }
}

public sealed class EditFollowUpForm
{
    /// <summary>The version the person saw; a save against an older one is refused.</summary>
    public long Version { get; set; }
    public string? ReturnUrl { get; set; }
    public FollowUpFields FollowUp { get; set; } = new();
}

/// <summary>Only reading the form: <see cref="EditFollowUp"/> holds the rules.</summary>
public sealed class EditFollowUpFormValidator : AbstractValidator<EditFollowUpForm>
{
    public EditFollowUpFormValidator()
    {
        // The page always sends Wanted=true; a form that says otherwise would skip reading the fields.
        RuleFor(x => x.FollowUp.Wanted).Equal(true).WithMessage("Fill in the follow-up.");
        RuleFor(x => x.FollowUp).SetValidator(new FollowUpFieldsReading());
    }
}

/// <summary>What the snooze buttons offer (the choices are <see cref="SnoozeFollowUp.Choices"/>).</summary>
public static class SnoozeChoices
{
    public const string FifteenMinutes = SnoozeFollowUp.Choices.FifteenMinutes;
    public const string OneHour = SnoozeFollowUp.Choices.OneHour;
    public const string TomorrowMorning = SnoozeFollowUp.Choices.TomorrowMorning;

    public static readonly IReadOnlyList<(string Value, string Label)> All = SnoozeFollowUp.Choices.All;

    /// <summary>The instant to snooze until, from the app clock, in the owner's zone for "tomorrow 09:00".</summary>
    public static (DateTime UntilUtc, string Label)? Resolve(string? choice, DateTime nowUtc, string ownerZone) =>
        SnoozeFollowUp.Choices.Resolve(choice, nowUtc, ownerZone);
}
