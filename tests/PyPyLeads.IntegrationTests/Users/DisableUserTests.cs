using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.FollowUps;
using PyPyLeads.IntegrationTests.Security;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>Disabling and enabling users, and handing over a disabled user's follow-ups, called directly on a real SQLite file.</summary>
public sealed class DisableUserTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;
    private Caller _armin = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Disable(Caller caller, string userId) =>
        _rig.RunAsync<DisableUser, Outcome>(u => u.RunAsync(new(userId), caller, CancellationToken.None));

    private Task<Outcome> Enable(Caller caller, string userId) =>
        _rig.RunAsync<EnableUser, Outcome>(u => u.RunAsync(new(userId), caller, CancellationToken.None));

    private Task<Outcome> HandOver(Caller caller, int followUpId, string? to) => _rig.RunAsync<ReassignFollowUp, Outcome>(async u =>
        await u.RunAsync(new(followUpId, await _rig.DbAsync(db => db.FollowUps.Where(f => f.Id == followUpId).Select(f => f.Version).SingleAsync()), to),
            caller, CancellationToken.None));

    private Task<string> SessionAsync(string userId) =>
        _rig.RunAsync<Sessions, string>(s => s.StartAsync(userId, "198.51.100.4", "Mozilla/5.0 (iPhone) Safari/604.1", CancellationToken.None));

    private Task<bool> IsDisabledAsync(string userId) => _rig.DbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.DisabledAtUtc != null).SingleAsync());

    private async Task<bool> CanSignInAsync(string userId)
    {
        await using var scope = _rig.App.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        return await signIn.CanSignInAsync((await signIn.UserManager.FindByIdAsync(userId))!);
    }

    [Fact]
    public async Task A_disabled_user_has_every_session_ended_cannot_sign_in_and_keeps_everything_they_made()
    {
        var phone = await SessionAsync(_armin.UserId);
        var laptop = await SessionAsync(_armin.UserId);
        var lauras = await SessionAsync(_laura.UserId);
        var company = await _rig.CompanyAsync("Yelp");
        var open = await _rig.DbAsync(db => Seed.FollowUpAsync(db, company, _armin.UserId, FollowUpState.Scheduled));
        await _rig.DbAsync(db => Seed.FollowUpAsync(db, company, _armin.UserId, FollowUpState.Done));

        var done = Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, _armin.UserId));

        Assert.Equal((2, 1), (done.Value.SessionsEnded, done.Value.OpenFollowUps));
        Assert.True(await IsDisabledAsync(_armin.UserId));
        Assert.False(await CanSignInAsync(_armin.UserId));
        Assert.True(await CanSignInAsync(_laura.UserId));
        var sessions = await _rig.DbAsync(db => db.UserSessions.ToDictionaryAsync(s => s.Id, s => s.EndedBecause));
        Assert.Equal((SessionEnd.UserDisabled, SessionEnd.UserDisabled, (SessionEnd?)null), (sessions[phone], sessions[laptop], sessions[lauras]));
        // Nothing deleted: the user, their follow-ups.
        Assert.Equal(2, await _rig.DbAsync(db => db.FollowUps.CountAsync(f => f.OwnerUserId == _armin.UserId)));
        Assert.True(await _rig.DbAsync(db => db.FollowUps.AnyAsync(f => f.Id == open)));
    }

    [Fact]
    public async Task Only_admins_disable_or_enable()
    {
        var maciej = await _rig.UserAsync("Maciej Fijalkowski", "fijal@merlinux.eu", consultancyId: Consultancy.MerlinuxId);

        Assert.IsType<NotAllowed>(await Disable(_armin, maciej.UserId));
        Assert.False(await IsDisabledAsync(maciej.UserId));

        Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, maciej.UserId));
        Assert.IsType<NotAllowed>(await Enable(_armin, maciej.UserId));
        Assert.True(await IsDisabledAsync(maciej.UserId));
    }

    [Fact]
    public async Task An_admin_cannot_disable_themselves()
    {
        var refused = Assert.IsType<NotAllowed>(await Disable(_laura, _laura.UserId));

        Assert.Contains("yourself", refused.Message, StringComparison.Ordinal);
        Assert.False(await IsDisabledAsync(_laura.UserId));
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_disabled()
    {
        var jacob = await _rig.UserAsync("Jacob Hallen", "jacob@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
        Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, jacob.UserId));
        // Jacob, disabled, still holds an admin's cookie in this test: Laura is the last active admin.
        var refused = Assert.IsType<NotAllowed>(await Disable(jacob, _laura.UserId));

        Assert.Contains("last active admin", refused.Message, StringComparison.Ordinal);
        Assert.False(await IsDisabledAsync(_laura.UserId));
    }

    [Fact]
    public async Task A_disabled_user_can_neither_accept_an_invitation_link_nor_be_given_a_new_one()
    {
        var link = Assert.IsType<Done<InviteUser.Invitation>>(await _rig.RunAsync<ReissueInvitation, Outcome>(u =>
            u.RunAsync(new(_armin.UserId), _laura, CancellationToken.None))).Value;
        Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, _armin.UserId));

        var invalid = Assert.IsType<Invalid>(await _rig.RunAsync<AcceptInvitation, Outcome>(u =>
            u.RunAsync(new(_armin.UserId, link.Token, "someone else's password"), CancellationToken.None)));

        Assert.Contains(new FieldError("", "This account is disabled: ask an admin."), invalid.Errors);
        Assert.IsType<NotAllowed>(await _rig.RunAsync<ReissueInvitation, Outcome>(u => u.RunAsync(new(_armin.UserId), _laura, CancellationToken.None)));
    }

    [Fact]
    public async Task An_enabled_user_can_sign_in_again()
    {
        Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, _armin.UserId));

        Assert.IsType<Done<EnableUser.Enabled>>(await Enable(_laura, _armin.UserId));

        Assert.False(await IsDisabledAsync(_armin.UserId));
        Assert.True(await CanSignInAsync(_armin.UserId));
    }

    [Fact]
    public async Task A_disabled_users_open_follow_up_is_handed_to_an_active_user_as_it_stands()
    {
        var company = await _rig.CompanyAsync("Yelp");
        var followUp = await _rig.DbAsync(db => Seed.FollowUpAsync(db, company, _armin.UserId, FollowUpState.Scheduled));
        var before = await _rig.DbAsync(db => db.FollowUps.AsNoTracking().SingleAsync(f => f.Id == followUp));
        var maciej = await _rig.UserAsync("Maciej Fijalkowski", "fijal@merlinux.eu", consultancyId: Consultancy.MerlinuxId);
        Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, _armin.UserId));
        Assert.IsType<Done<DisableUser.Disabled>>(await Disable(_laura, maciej.UserId));

        // Not to another disabled user, and not by a member.
        var invalid = Assert.IsType<Invalid>(await HandOver(_laura, followUp, maciej.UserId));
        Assert.Contains(invalid.Errors, e => e.Field == "OwnerUserId");
        var jacob = await _rig.UserAsync("Jacob Hallen", "jacob@openend.se", consultancyId: Consultancy.OpenEndId);
        Assert.IsType<NotAllowed>(await HandOver(jacob, followUp, jacob.UserId));

        Assert.IsType<Done<EditFollowUp.Saved>>(await HandOver(_laura, followUp, jacob.UserId));

        var after = await _rig.DbAsync(db => db.FollowUps.AsNoTracking().SingleAsync(f => f.Id == followUp));
        Assert.Equal((jacob.UserId, before.DueAtUtc, before.Note, FollowUpState.Scheduled), (after.OwnerUserId, after.DueAtUtc, after.Note, after.State));
    }
}
