using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>A user changes their own password, called directly on a real SQLite file.</summary>
public sealed class ChangePasswordTests : IAsyncLifetime
{
    private const string Current = "a long enough password"; // UseCaseRig.UserAsync's
    private UseCaseRig _rig = null!;
    private Caller _armin = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> Change(string? current, string? next, string? sessionId = null) =>
        _rig.RunAsync<ChangePassword, Outcome>(u => u.RunAsync(new(current, next), _armin with { ClientAddress = "203.0.113.7" }, sessionId, CancellationToken.None));

    private Task<string> SessionAsync(string userId) =>
        _rig.RunAsync<Sessions, string>(s => s.StartAsync(userId, "203.0.113.7", "Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile", CancellationToken.None));

    private async Task<bool> PasswordIsAsync(string password)
    {
        await using var scope = _rig.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(_armin.UserId))!, password);
    }

    [Fact]
    public async Task The_new_password_works_the_old_one_no_longer_and_every_session_of_the_user_ends()
    {
        var here = await SessionAsync(_armin.UserId);
        var phone = await SessionAsync(_armin.UserId);
        var laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
        var lauras = await SessionAsync(laura.UserId);

        var done = Assert.IsType<Done<ChangePassword.Changed>>(await Change(Current, "pypy runs twice as fast now", here));

        Assert.Equal(1, done.Value.OtherSessionsEnded);
        Assert.True(await PasswordIsAsync("pypy runs twice as fast now"));
        Assert.False(await PasswordIsAsync(Current));
        // This browser's session ends too (the page signs it in again with a new one); another user's is untouched.
        var ended = await _rig.DbAsync(db => db.UserSessions.Where(s => s.EndedAtUtc != null).Select(s => new { s.Id, s.EndedBecause }).ToListAsync());
        Assert.Equal(new[] { here, phone }.Order(), ended.Select(e => e.Id).Order());
        Assert.All(ended, e => Assert.Equal(SessionEnd.PasswordChanged, e.EndedBecause));
        Assert.DoesNotContain(lauras, ended.Select(e => e.Id));
    }

    [Fact]
    public async Task A_wrong_current_password_is_refused_beside_it_and_nothing_changes()
    {
        var session = await SessionAsync(_armin.UserId);

        var invalid = Assert.IsType<Invalid>(await Change("not my password at all", "pypy runs twice as fast now", session));

        Assert.Equal(new FieldError("CurrentPassword", "This is not your current password."), Assert.Single(invalid.Errors));
        Assert.True(await PasswordIsAsync(Current));
        Assert.False(await _rig.DbAsync(db => db.UserSessions.AnyAsync(s => s.EndedAtUtc != null)));
    }

    [Theory]
    [InlineData("short one", "NewPassword", "Use at least 12 characters.")]
    [InlineData("", "NewPassword", "Choose a password.")]
    [InlineData(Current, "NewPassword", "Choose a password different from the current one.")]
    public async Task A_new_password_the_rules_refuse_is_refused_beside_it(string next, string field, string message)
    {
        var invalid = Assert.IsType<Invalid>(await Change(Current, next));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.True(await PasswordIsAsync(Current));
    }

    [Fact]
    public async Task A_password_reset_through_a_re_issued_link_ends_every_session_of_the_user()
    {
        var phone = await SessionAsync(_armin.UserId);
        var laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
        var link = Assert.IsType<Done<InviteUser.Invitation>>(await _rig.RunAsync<ReissueInvitation, Outcome>(u =>
            u.RunAsync(new(_armin.UserId), laura, CancellationToken.None))).Value;

        Assert.IsType<Done<AcceptInvitation.Accepted>>(await _rig.RunAsync<AcceptInvitation, Outcome>(u =>
            u.RunAsync(new(_armin.UserId, link.Token, "pypy runs twice as fast now"), CancellationToken.None)));

        Assert.Equal(SessionEnd.PasswordReset, await _rig.DbAsync(db => db.UserSessions.Where(s => s.Id == phone).Select(s => s.EndedBecause).SingleAsync()));
        Assert.True(await PasswordIsAsync("pypy runs twice as fast now"));
    }

    [Fact]
    public async Task The_current_password_is_required()
    {
        var invalid = Assert.IsType<Invalid>(await Change("", "pypy runs twice as fast now"));

        Assert.Contains(new FieldError("CurrentPassword", "Enter your current password."), invalid.Errors);
    }
}
