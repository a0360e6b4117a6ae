using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.IntegrationTests.Companies;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>No password from the list of the most common ones, wherever a password is chosen (PasswordRules).</summary>
public sealed class CommonPasswordTests : IDisposable
{
    // On the list, and long enough to pass the 12-character minimum: only the list refuses it.
    private const string Common = "1qaz2wsx3edc";

    private readonly LeadsApp _app = new();

    [Fact]
    public void The_shipped_list_holds_the_common_passwords_long_enough_to_pass_the_length_rule_compared_ignoring_case()
    {
        // The 12-character and longer ones of the million most common (44,150 lines, some differing only in case).
        Assert.InRange(CommonPasswords.Count, 43_000, 44_150);
        Assert.True(CommonPasswords.Contains("qwerty123456"));
        Assert.True(CommonPasswords.Contains(Common.ToUpperInvariant()));
        Assert.True(CommonPasswords.Contains(" " + Common + " "));
        Assert.False(CommonPasswords.Contains(People.AdminPassword));
    }

    [Fact]
    public async Task Set_up_refuses_a_common_password_beside_the_field_and_creates_nobody()
    {
        var response = await _app.Client().PostFormAsync("/setup", new Dictionary<string, string>
        {
            ["DisplayName"] = "Laura Creighton", ["Email"] = People.AdminEmail, ["TimeZoneId"] = "Europe/Stockholm",
            ["Password"] = Common, ["ConfirmPassword"] = Common,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PasswordRules.CommonMessage, (await response.ReadPageAsync()).FieldError("Password"));
        Assert.Equal(0, await _app.DbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Accepting_an_invitation_refuses_a_common_password_beside_the_field_and_sets_none()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var invitation = await People.InviteAsync(admin, "Armin Rigo", "arigo@openend.se");

        var response = await _app.Client().PostFormAsync(invitation, new Dictionary<string, string> { ["Password"] = Common, ["ConfirmPassword"] = Common }, "/account/invitation");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PasswordRules.CommonMessage, (await response.ReadPageAsync()).FieldError("Password"));
        Assert.Null(await _app.DbAsync(db => db.Users.Where(u => u.Email == "arigo@openend.se").Select(u => u.PasswordHash).SingleAsync()));

        // The same link then takes a password of the user's own.
        var accepted = await _app.Client().PostFormAsync(invitation, new Dictionary<string, string> { ["Password"] = "Fijałkowski's tour bicycle", ["ConfirmPassword"] = "Fijałkowski's tour bicycle" }, "/account/invitation");
        People.Expect(accepted, HttpStatusCode.Redirect, "/account/signin");
    }

    [Fact]
    public async Task Identity_refuses_a_common_password_too_whatever_sets_it()
    {
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var created = await users.CreateAsync(new AppUser { UserName = "jacob@openend.se", Email = "jacob@openend.se", DisplayName = "Jacob Hallén" }, Common);
        Assert.Equal(["PasswordCommon"], created.Errors.Select(e => e.Code));
    }

    public void Dispose() => _app.Dispose();
}
