using Microsoft.AspNetCore.Mvc.Rendering;
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

/// <summary>The invitation form's fields; the rules are <see cref="PyPyLeads.Users.InviteUser.Validator"/>'s.</summary>
public sealed class InviteUserForm
{
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? Role { get; set; } = Roles.Member;
    public int? ConsultancyId { get; set; }
    public int? TeamMemberId { get; set; }
    public string? TimeZoneId { get; set; } = "Europe/Stockholm";
}

public sealed record UserRow(string Id, string DisplayName, string? Email, string Role, string? Consultancy, bool HasPassword, bool MayExportCompanies,
    bool Disabled, bool IsMe);

/// <summary>A user's open follow-ups, to hand to active users one by one.</summary>
public sealed record HandOverPage(string UserId, string DisplayName, bool Disabled, IReadOnlyList<HandOverRow> FollowUps, IReadOnlyList<SelectListItem> Owners);

public sealed record HandOverRow(int Id, long Version, string Company, string Due, string? Note);

public sealed record InviteUserPage(InviteUserForm Form, IReadOnlyList<SelectListItem> Consultancies, IReadOnlyList<SelectListItem> TeamMembers);

public sealed record InvitationLinkPage(string DisplayName, string Email, string Link);
