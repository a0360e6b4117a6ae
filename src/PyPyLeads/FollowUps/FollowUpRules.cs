using FluentValidation;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The rules a follow-up's fields obey, wherever they are filled in: the follow-up use cases and the follow-up fields
/// other forms embed apply these same rules. The deadline rule is <see cref="FollowUpDeadlines.Check"/>.
/// </summary>
public static class FollowUpRules
{
    /// <summary>
    /// Admins change any follow-up; its owner and whoever scheduled it change it while they may change its company
    /// (<see cref="Caller.MayChange"/> on <paramref name="companyConsultancyId"/>: their consultancy's, or unassigned).
    /// Everyone signed in may see it.
    /// </summary>
    public static bool MayChange(this Caller caller, FollowUp followUp, int? companyConsultancyId) =>
        caller.IsAdmin || ((followUp.OwnerUserId == caller.UserId || followUp.CreatedByUserId == caller.UserId) && caller.MayChange(companyConsultancyId));

    public const string NotYoursToChange = "Only the follow-up's owner, whoever scheduled it, and admins may change it.";

    /// <summary>Why the caller may not change the follow-up (<see cref="MayChange"/>): its company is another consultancy's, or it is not theirs; null when they may.</summary>
    public static NotAllowed? Refusal(this Caller caller, FollowUp followUp, string companyName, int? companyConsultancyId) =>
        caller.MayChange(followUp, companyConsultancyId) ? null
        : Companies.CompanyAccess.Refusal(caller, companyName, companyConsultancyId) ?? new NotAllowed(NotYoursToChange);

    /// <summary>Said of an owner who is no user of the app, or one whose account is disabled.</summary>
    public const string OwnerNotFromTheList = "Choose who will follow up from the list (someone whose account is not disabled).";

    /// <summary>Someone who can be reminded: a user of the app whose account is not disabled.</summary>
    public static IRuleBuilderOptions<T, string?> FollowUpOwner<T>(this IRuleBuilder<T, string?> rule, LeadsDbContext db) =>
        rule.NotEmpty().WithMessage("Choose who will follow up.")
            .MustAsync(async (id, ct) => await db.Users.AnyAsync(u => u.Id == id && u.DisabledAtUtc == null, ct))
            .WithMessage(OwnerNotFromTheList);

    public static IRuleBuilderOptions<T, string?> FollowUpNote<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(FollowUpLimits.Note).WithMessage($"Keep the note to {FollowUpLimits.Note:N0} characters.")
            .Must(n => n is null || !n.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')))
            .WithMessage("The note contains control characters; remove them.");

    /// <summary>"This follow-up is already done." (or cancelled): the refusal of a change to a closed follow-up.</summary>
    public static string Already(FollowUp followUp) => "This follow-up is already " + followUp.State.ToString().ToLowerInvariant() + ".";
}
