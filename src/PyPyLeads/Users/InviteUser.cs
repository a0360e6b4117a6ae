using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.Time;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.Users;

/// <summary>
/// Invite someone: the user is created without a password, and the caller hands them a one-time link (built from
/// <see cref="Invitation.Token"/>) to choose one. Only admins invite.
/// Returns <see cref="Done{T}"/> of <see cref="Invitation"/>, <see cref="Invalid"/> or <see cref="NotAllowed"/>.
/// </summary>
public sealed class InviteUser(UserManager<AppUser> users, IValidator<InviteUser.Input> validator, TimeProvider clock, SubmissionStore submissions,
    ILogger<InviteUser> logger)
{
    /// <param name="ConsultancyId">Open End, merlinux, or null for the PyPy team.</param>
    /// <param name="TeamMemberId">The tour's team member this user is, if any (their calendar feed follows it).</param>
    public sealed record Input(string? DisplayName, string? Email, string? Role, int? ConsultancyId, int? TeamMemberId, string? TimeZoneId)
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    /// <summary>What the invitation link is made of: the user and a one-time token for setting a password.</summary>
    public sealed record Invitation(string UserId, string DisplayName, string Email, string Token);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator(LeadsDbContext db)
        {
            RuleFor(x => x.DisplayName).NotEmpty().WithMessage("Enter the person's name.").SingleLine(200);
            RuleFor(x => x.Email).NotEmpty().WithMessage("Enter an e-mail address.").MaximumLength(254)
                .EmailAddress().WithMessage("This is not an e-mail address.");
            RuleFor(x => x.Role).Must(r => r is not null && Roles.All.Contains(r)).WithMessage("Choose Admin or Member.");
            RuleFor(x => x.ConsultancyId).Must(id => id is null or Consultancy.OpenEndId or Consultancy.MerlinuxId)
                .WithMessage("Choose Open End, merlinux or neither.");
            RuleFor(x => x.TeamMemberId).MustAsync((id, ct) => db.TeamMembers.AnyAsync(m => m.Id == id, ct)).When(x => x.TeamMemberId is not null)
                .WithMessage("Choose a team member from the list.");
            RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
        }
    }

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(InviteUser), input.SubmissionKey);
        return submissions.OnceAsync<Invitation>(once, () => InviteAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> InviteAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin)
        {
            return new NotAllowed("Only admins invite users.");
        }
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        try
        {
            return await submissions.InTransactionAsync<Invitation>(once, async ct =>
            {
                var user = new AppUser
                {
                    UserName = input.Email, Email = input.Email, DisplayName = input.DisplayName!.Trim(), ConsultancyId = input.ConsultancyId,
                    TeamMemberId = input.TeamMemberId, TimeZoneId = input.TimeZoneId!, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
                };
                IdentityRefusal.ThrowIfFailed(await users.CreateAsync(user), e => new FieldError(
                    e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? nameof(Input.Email) : "",
                    e.Code is "DuplicateEmail" or "DuplicateUserName" ? "There is already a user with this e-mail address." : e.Description));
                IdentityRefusal.ThrowIfFailed(await users.AddToRoleAsync(user, input.Role!));
                var token = await users.GeneratePasswordResetTokenAsync(user);
                logger.LogInformation("{Admin} invited {Email} as {Role}", caller.Name, user.Email, input.Role);
                return new Done<Invitation>(new(user.Id, user.DisplayName, user.Email!, token));
            }, cancellationToken);
        }
        catch (IdentityRefusal refusal)
        {
            return refusal.Invalid;
        }
    }
}
