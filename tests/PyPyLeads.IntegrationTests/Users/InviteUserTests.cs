using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>Inviting a user and re-issuing an invitation, called directly on a real SQLite file.</summary>
public sealed class InviteUserTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Invite(Caller caller, string? email = "arigo@openend.se", string? role = Roles.Member, int? teamMemberId = 1, string? name = "Armin Rigo") =>
        _rig.RunAsync<InviteUser, Outcome>(u => u.RunAsync(
            new InviteUser.Input(name, email, role, Consultancy.OpenEndId, teamMemberId, "America/Los_Angeles"), caller, CancellationToken.None));

    [Fact]
    public async Task An_admin_invites_a_member_who_has_no_password_until_the_token_sets_one()
    {
        var invitation = Assert.IsType<Done<InviteUser.Invitation>>(await Invite(_laura)).Value;

        await using var scope = _rig.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var armin = (await users.FindByIdAsync(invitation.UserId))!;
        Assert.Equal(("arigo@openend.se", "Armin Rigo", Consultancy.OpenEndId, 1, "America/Los_Angeles", null),
            (armin.Email, armin.DisplayName, armin.ConsultancyId, armin.TeamMemberId, armin.TimeZoneId, armin.PasswordHash));
        Assert.True(await users.IsInRoleAsync(armin, Roles.Member));
        Assert.True((await users.ResetPasswordAsync(armin, invitation.Token, "a long enough password")).Succeeded);
    }

    [Fact]
    public async Task Only_admins_invite()
    {
        var armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);

        Assert.IsType<NotAllowed>(await Invite(armin, email: "maciej@example.org", name: "Maciej"));

        Assert.False(await _rig.DbAsync(db => db.Users.AnyAsync(u => u.Email == "maciej@example.org")));
    }

    [Fact]
    public async Task An_address_already_invited_is_refused_beside_the_e_mail_and_nothing_changes()
    {
        Assert.IsType<Done<InviteUser.Invitation>>(await Invite(_laura));

        var invalid = Assert.IsType<Invalid>(await Invite(_laura, role: Roles.Admin, name: "Someone else"));

        Assert.Contains(new FieldError("Email", "There is already a user with this e-mail address."), invalid.Errors);
        Assert.Equal(2, await _rig.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("not an address", Roles.Member, 1, "Email", "This is not an e-mail address.")]
    [InlineData("arigo@openend.se", "Owner", 1, "Role", "Choose Admin or Member.")]
    [InlineData("arigo@openend.se", Roles.Member, 99, "TeamMemberId", "Choose a team member from the list.")]
    public async Task Bad_input_is_refused_beside_its_field(string email, string role, int teamMemberId, string field, string message)
    {
        var invalid = Assert.IsType<Invalid>(await Invite(_laura, email, role, teamMemberId));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal(1, await _rig.DbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task An_admin_gets_a_fresh_invitation_that_works()
    {
        var first = Assert.IsType<Done<InviteUser.Invitation>>(await Invite(_laura)).Value;

        var again = Assert.IsType<Done<InviteUser.Invitation>>(await Reissue(first.UserId, _laura)).Value;

        await using var scope = _rig.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.Equal((first.UserId, "arigo@openend.se"), (again.UserId, again.Email));
        Assert.True((await users.ResetPasswordAsync((await users.FindByIdAsync(first.UserId))!, again.Token, "a long enough password")).Succeeded);
    }

    [Fact]
    public async Task Only_admins_get_invitation_links_and_an_unknown_user_is_not_found()
    {
        var first = Assert.IsType<Done<InviteUser.Invitation>>(await Invite(_laura)).Value;
        var member = await _rig.UserAsync("Jacob Hallén", "jacob@example.org");

        Assert.IsType<NotAllowed>(await Reissue(first.UserId, member));
        Assert.IsType<NotFound>(await Reissue("no such user", _laura));
    }

    private Task<Outcome> Reissue(string userId, Caller caller) =>
        _rig.RunAsync<ReissueInvitation, Outcome>(u => u.RunAsync(new ReissueInvitation.Input(userId), caller, CancellationToken.None));
}
