using FluentValidation;
using Microsoft.AspNetCore.Mvc.Rendering;
using PyPyLeads.Time;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Features.Users;

public static class TimeZoneChoices
{
    /// <summary>The zones the story happens in; any IANA zone is accepted by the validators.</summary>
    public static IReadOnlyList<SelectListItem> Items { get; } =
    [
        new("Europe (Stockholm, Berlin)", "Europe/Stockholm"),
        new("US Pacific (Bay Area)", "America/Los_Angeles"),
        new("US Eastern (Atlanta)", "America/New_York"),
        new("UTC", "UTC"),
    ];
}

public sealed class InviteUserForm
{
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? Role { get; set; } = Roles.Member;
    public int? ConsultancyId { get; set; }
    public int? TeamMemberId { get; set; }
    public string? TimeZoneId { get; set; } = "Europe/Stockholm";
}

public sealed class InviteUserFormValidator : AbstractValidator<InviteUserForm>
{
    public InviteUserFormValidator()
    {
        RuleFor(x => x.DisplayName).NotEmpty().WithMessage("Enter the person's name.").MaximumLength(200);
        RuleFor(x => x.Email).NotEmpty().WithMessage("Enter an e-mail address.").MaximumLength(254)
            .EmailAddress().WithMessage("This is not an e-mail address.");
        RuleFor(x => x.Role).Must(r => r is not null && Roles.All.Contains(r)).WithMessage("Choose Admin or Member.");
        RuleFor(x => x.ConsultancyId).Must(id => id is null or PyPyLeads.Tour.Consultancy.OpenEndId or PyPyLeads.Tour.Consultancy.MerlinuxId)
            .WithMessage("Choose Open End, merlinux or neither.");
        RuleFor(x => x.TimeZoneId).Must(Zones.Exists).WithMessage("Choose a time zone from the list.");
    }
}

public sealed record UserRow(string Id, string DisplayName, string? Email, string Role, string? Consultancy, bool HasPassword, bool LockedOut);

public sealed record InviteUserPage(InviteUserForm Form, IReadOnlyList<SelectListItem> Consultancies, IReadOnlyList<SelectListItem> TeamMembers);

public sealed record InvitationLinkPage(string DisplayName, string Email, string Link);
