using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>Accepting an invitation (choosing a password), called directly on a real SQLite file.</summary>
public sealed class AcceptInvitationTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;
    private InviteUser.Invitation _invitation = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        var laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
        var invited = await _rig.RunAsync<InviteUser, Outcome>(u => u.RunAsync(
            new InviteUser.Input("Armin Rigo", "arigo@openend.se", Roles.Member, null, null, "UTC"), laura, CancellationToken.None));
        _invitation = Assert.IsType<Done<InviteUser.Invitation>>(invited).Value;
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Accept(string? userId, string? token, string? password) =>
        _rig.RunAsync<AcceptInvitation, Outcome>(u => u.RunAsync(new AcceptInvitation.Input(userId, token, password), CancellationToken.None));

    private async Task<AppUser> Armin()
    {
        await using var scope = _rig.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(_invitation.UserId))!;
    }

    [Fact]
    public async Task The_invited_user_sets_a_password_and_their_address_counts_as_confirmed()
    {
        var accepted = Assert.IsType<Done<AcceptInvitation.Accepted>>(await Accept(_invitation.UserId, _invitation.Token, "a long enough password")).Value;

        Assert.Equal("arigo@openend.se", accepted.Email);
        var armin = await Armin();
        Assert.True(armin.EmailConfirmed);
        await using var scope = _rig.App.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().CheckPasswordAsync(armin, "a long enough password"));
    }

    [Fact]
    public async Task A_link_works_once()
    {
        Assert.IsType<Done<AcceptInvitation.Accepted>>(await Accept(_invitation.UserId, _invitation.Token, "a long enough password"));

        var invalid = Assert.IsType<Invalid>(await Accept(_invitation.UserId, _invitation.Token, "someone else's password"));

        Assert.Contains(new FieldError("", "This invitation link is not valid or has expired; ask an admin for a new one."), invalid.Errors);
    }

    [Fact]
    public async Task A_forged_token_or_an_unknown_user_is_refused_and_sets_nothing()
    {
        var forged = Assert.IsType<Invalid>(await Accept(_invitation.UserId, "forged-token", "a long enough password"));
        var unknown = Assert.IsType<Invalid>(await Accept("no such user", _invitation.Token, "a long enough password"));

        Assert.Contains(new FieldError("", "This invitation link is not valid or has expired; ask an admin for a new one."), forged.Errors);
        Assert.Contains(new FieldError("", "This invitation link is not valid."), unknown.Errors);
        var armin = await Armin();
        Assert.Equal((null, false), (armin.PasswordHash, armin.EmailConfirmed));
    }

    [Fact]
    public async Task A_short_password_is_refused_beside_the_field()
    {
        var invalid = Assert.IsType<Invalid>(await Accept(_invitation.UserId, _invitation.Token, "short"));

        Assert.Contains(new FieldError("Password", "Use at least 12 characters."), invalid.Errors);
        Assert.Null((await Armin()).PasswordHash);
    }
}
