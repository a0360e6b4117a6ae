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

/// <summary>The deadline rule and the field rules, with each message beside its field.</summary>
public sealed class FollowUpFieldsValidator : AbstractValidator<FollowUpFields>
{
    public FollowUpFieldsValidator(LeadsDbContext db, FollowUpDeadlines deadlines)
    {
        When(x => x.Wanted, () =>
        {
            RuleFor(x => x.OwnerUserId)
                .NotEmpty().WithMessage("Choose who will follow up.")
                .MustAsync(async (id, ct) => await db.Users.AnyAsync(u => u.Id == id, ct)).WithMessage("Choose who will follow up from the list.");
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
                if (!Zones.Exists(fields.TimeZoneId))
                {
                    return; // the zone's own message says it
                }
                if (Zones.Find(fields.TimeZoneId!).IsInvalidTime(local))
                {
                    context.AddFailure("That time does not exist there: the clocks jump forward that night. Choose another time.");
                    return;
                }
                var dueUtc = Zones.ToUtc(local, fields.TimeZoneId!);
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
            RuleFor(x => x.Note)
                .MaximumLength(FollowUpLimits.Note).WithMessage($"Keep the note to {FollowUpLimits.Note:N0} characters.")
                .Must(n => n is null || !n.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')))
                .WithMessage("The note contains control characters; remove them.");
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

public sealed class NewFollowUpFormValidator : AbstractValidator<NewFollowUpForm>
{
    public NewFollowUpFormValidator(LeadsDbContext db, FollowUpFieldsValidator fields)
    {
        RuleFor(x => x.CompanyId)
            .MustAsync(async (id, ct) => await db.Companies.AnyAsync(c => c.Id == id && c.DeletedAtUtc == null, ct))
            .WithMessage("That company does not exist (or was deleted).");
        RuleFor(x => x.SubjectType)
            .Must(t => t is null || FollowUpSubjects.All.Contains(t)).WithMessage("A follow-up can be about a deal, a meeting or a presentation request.");
        RuleFor(x => x.SubjectId).NotNull().When(x => x.SubjectType is not null).WithMessage("Say which one.");
        // The page always sends Wanted=true; a form that says otherwise would skip the field rules.
        RuleFor(x => x.FollowUp.Wanted).Equal(true).WithMessage("Fill in the follow-up.");
        RuleFor(x => x.FollowUp).SetValidator(fields);
    }
}

public sealed class EditFollowUpForm
{
    /// <summary>The version the person saw; a save against an older one is refused.</summary>
    public long Version { get; set; }
    public string? ReturnUrl { get; set; }
    public FollowUpFields FollowUp { get; set; } = new();
}

public sealed class EditFollowUpFormValidator : AbstractValidator<EditFollowUpForm>
{
    public EditFollowUpFormValidator(FollowUpFieldsValidator fields)
    {
        // The page always sends Wanted=true; a form that says otherwise would skip the field rules.
        RuleFor(x => x.FollowUp.Wanted).Equal(true).WithMessage("Fill in the follow-up.");
        RuleFor(x => x.FollowUp).SetValidator(fields);
    }
}

/// <summary>What the snooze buttons offer.</summary>
public static class SnoozeChoices
{
    public const string FifteenMinutes = "15m";
    public const string OneHour = "1h";
    public const string TomorrowMorning = "tomorrow";

    public static readonly IReadOnlyList<(string Value, string Label)> All =
        [(FifteenMinutes, "15 min"), (OneHour, "1 hour"), (TomorrowMorning, "Tomorrow 09:00")];

    /// <summary>The instant to snooze until, from the app clock, in the owner's zone for "tomorrow 09:00".</summary>
    public static (DateTime UntilUtc, string Label)? Resolve(string? choice, DateTime nowUtc, string ownerZone) => choice switch
    {
        FifteenMinutes => (nowUtc.AddMinutes(15), "for 15 minutes"),
        OneHour => (nowUtc.AddHours(1), "for an hour"),
        TomorrowMorning => (Zones.ToUtc(DateOnly.FromDateTime(Zones.ToLocal(nowUtc, ownerZone)).AddDays(1).ToDateTime(new TimeOnly(9, 0)), ownerZone), "until tomorrow morning"),
        _ => null,
    };
}
