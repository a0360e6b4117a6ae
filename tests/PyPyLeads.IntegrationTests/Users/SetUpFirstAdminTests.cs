using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.UseCases;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>The first-run set-up use case, called directly on a real SQLite file.</summary>
public sealed class SetUpFirstAdminTests : IAsyncLifetime
{
    private UseCaseRig _rig = null!;

    public Task InitializeAsync()
    {
        _rig = UseCaseRig.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Outcome> SetUp(string? name = "Laura Creighton", string? email = "lac@openend.se", string? zone = "Europe/Stockholm", string? password = "a long enough password",
        string? code = null) =>
        _rig.RunAsync<SetUpFirstAdmin, Outcome>(u => u.RunAsync(
            new SetUpFirstAdmin.Input(name, email, zone, password) { SetupCode = code ?? SetupCodes.Read(_rig.App.DataFolderInUse) }, CancellationToken.None));

    private Task<(int Users, bool Installed, bool CodeKept)> WhatExistsAsync() => _rig.DbAsync(async db =>
        (await db.Users.CountAsync(), await db.Installations.AnyAsync(), await db.SetupCodes.AnyAsync()));

    [Theory]
    [InlineData("", SetUpFirstAdmin.EnterTheCode)]
    [InlineData("ACDEF-GHJKM-NPQRS-TUVWX-YZ234", SetUpFirstAdmin.WrongCode)]
    public async Task Without_the_set_up_code_nothing_is_created(string code, string message)
    {
        var invalid = Assert.IsType<Invalid>(await SetUp(code: code));

        Assert.Contains(new FieldError("SetupCode", message), invalid.Errors);
        Assert.Equal((0, false, true), await WhatExistsAsync());
    }

    [Fact]
    public async Task The_set_up_code_is_spent_by_the_set_up_that_uses_it()
    {
        var code = SetupCodes.Read(_rig.App.DataFolderInUse);

        // As people copy it: lower case, spaces for dashes.
        Assert.IsType<Done<SetUpFirstAdmin.Admin>>(await SetUp(code: code.ToLowerInvariant().Replace('-', ' ')));
        Assert.Equal((1, true, false), await WhatExistsAsync());

        Assert.IsType<NotAllowed>(await SetUp("Mallory", "mallory@example.com", code: code));
        Assert.Equal(1, (await WhatExistsAsync()).Users);
    }

    [Fact]
    public async Task The_first_set_up_creates_an_admin_with_that_password_and_records_the_installation()
    {
        var admin = Assert.IsType<Done<SetUpFirstAdmin.Admin>>(await SetUp()).Value;

        await using var scope = _rig.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(admin.UserId))!;
        Assert.Equal(("lac@openend.se", "Laura Creighton", "Europe/Stockholm", true), (user.Email, user.DisplayName, user.TimeZoneId, user.EmailConfirmed));
        Assert.True(await users.IsInRoleAsync(user, Roles.Admin));
        Assert.True(await users.CheckPasswordAsync(user, "a long enough password"));
        Assert.Equal(admin.UserId, await _rig.DbAsync(db => db.Installations.Select(i => i.SetUpByUserId).SingleAsync()));
    }

    [Fact]
    public async Task Once_set_up_a_second_set_up_is_not_allowed_and_creates_nobody()
    {
        Assert.IsType<Done<SetUpFirstAdmin.Admin>>(await SetUp());

        Assert.IsType<NotAllowed>(await SetUp("Mallory", "mallory@example.com"));

        Assert.Equal(["lac@openend.se"], await _rig.DbAsync(db => db.Users.Select(u => u.Email!).ToListAsync()));
    }

    [Fact]
    public async Task Set_ups_racing_create_exactly_one_admin()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => SetUp($"Admin {i}", $"admin{i}@openend.se")));

        Assert.Single(outcomes, o => o is Done<SetUpFirstAdmin.Admin>);
        Assert.All(outcomes.Where(o => o is not Done<SetUpFirstAdmin.Admin>), o => Assert.IsType<NotAllowed>(o));
        Assert.Equal(1, await _rig.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("", "lac@openend.se", "Europe/Stockholm", "a long enough password", "DisplayName", "Enter your name.")]
    [InlineData("Laura\nCreighton", "lac@openend.se", "Europe/Stockholm", "a long enough password", "DisplayName", "Remove the control characters (line breaks, tabs...).")]
    [InlineData("Laura", "not-an-address<script>", "Europe/Stockholm", "a long enough password", "Email", "This is not an e-mail address.")]
    [InlineData("Laura", "lac@openend.se", "Mars/Olympus", "a long enough password", "TimeZoneId", "Choose a time zone from the list.")]
    [InlineData("Laura", "lac@openend.se", "Europe/Stockholm", "short", "Password", "Use at least 12 characters.")]
    public async Task Bad_input_is_refused_beside_its_field_and_nothing_is_created(string name, string email, string zone, string password, string field, string message)
    {
        var invalid = Assert.IsType<Invalid>(await SetUp(name, email, zone, password));

        Assert.Contains(new FieldError(field, message), invalid.Errors);
        Assert.Equal((0, false, true), await WhatExistsAsync());
    }
}
