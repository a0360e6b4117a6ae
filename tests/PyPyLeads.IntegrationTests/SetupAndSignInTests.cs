using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests;

public sealed class SetupAndSignInTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task First_run_shows_set_up_instead_of_sign_in()
    {
        var response = await _app.Client().GetAsync("/account/signin");
        People.Expect(response, HttpStatusCode.Redirect, "/setup");
        var setup = await _app.Client().GetPageAsync("/setup");
        Assert.NotNull(setup.QuerySelector("input[name=Password]"));
    }

    [Fact]
    public async Task Set_up_creates_one_admin_and_then_refuses()
    {
        var first = _app.Client();
        await People.SetUpAsync(first);
        var home = await first.GetPageAsync("/");
        Assert.Equal("Laura Creighton", home.QuerySelector("[data-testid=signed-in-as]")!.TextContent.Trim());

        // A second set-up, on a fresh client that had loaded the form before: refused, nothing created.
        var second = _app.Client();
        var refusedPage = await second.GetAsync("/setup");
        People.Expect(refusedPage, HttpStatusCode.Redirect, "/account/signin");
        var refusedPost = await second.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["DisplayName"] = "Mallory", ["Email"] = "mallory@example.com", ["TimeZoneId"] = "UTC",
            ["Password"] = "another long password", ["ConfirmPassword"] = "another long password",
            ["__RequestVerificationToken"] = await TokenFrom(second, "/account/signin"),
        }));
        People.Expect(refusedPost, HttpStatusCode.Redirect, "/account/signin");

        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        var user = Assert.Single(await db.Users.ToListAsync());
        Assert.Equal(People.AdminEmail, user.Email);
        Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().IsInRoleAsync(user, Roles.Admin));
    }

    [Fact]
    public async Task Two_set_ups_racing_create_one_admin()
    {
        var clients = Enumerable.Range(0, 4).Select(_ => _app.Client()).ToList();
        // Each loads the form first, as four people opening the page at once would.
        var tokens = await Task.WhenAll(clients.Select(c => TokenFrom(c, "/setup")));
        var posts = clients.Select((c, i) => c.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["DisplayName"] = $"Admin {i}", ["Email"] = $"admin{i}@openend.se", ["TimeZoneId"] = "UTC",
            ["Password"] = "a long enough password", ["ConfirmPassword"] = "a long enough password",
            ["SetupCode"] = SetupCodes.Read(_app.DataFolderInUse),
            ["__RequestVerificationToken"] = tokens[i],
        })));
        var responses = await Task.WhenAll(posts);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(responses, r => r.Headers.Location!.OriginalString == "/");

        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadsDbContext>();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Set_up_with_bad_input_shows_messages_beside_the_fields_and_creates_nothing()
    {
        var client = _app.Client();
        var response = await client.PostFormAsync("/setup", new Dictionary<string, string>
        {
            ["DisplayName"] = "", ["Email"] = "not-an-address<script>", ["TimeZoneId"] = "Mars/Olympus",
            ["Password"] = "short", ["ConfirmPassword"] = "different",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadPageAsync();
        Assert.Equal("Enter your name.", page.FieldError("DisplayName"));
        Assert.Equal("This is not an e-mail address.", page.FieldError("Email"));
        Assert.Equal("Choose a time zone from the list.", page.FieldError("TimeZoneId"));
        Assert.Equal("Use at least 12 characters.", page.FieldError("Password"));
        Assert.Equal("The two passwords differ.", page.FieldError("ConfirmPassword"));
        // What was typed is kept, encoded.
        Assert.Equal("not-an-address<script>", page.QuerySelector("input[name=Email]")!.GetAttribute("value"));

        using var scope = _app.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<LeadsDbContext>().Users.CountAsync());
    }

    [Fact]
    public async Task Right_password_signs_in_and_wrong_one_says_so_beside_the_field()
    {
        await People.SetUpAsync(_app.Client());
        var client = _app.Client();
        var wrong = await People.SignInAsync(client, People.AdminEmail, "not the password");
        Assert.Equal("The e-mail address or the password is wrong.", (await wrong.ReadPageAsync()).FieldError("Password"));
        People.Expect(await People.SignInAsync(client, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Passwords_are_hashed_with_at_least_210000_PBKDF2_iterations()
    {
        await People.SetUpAsync(_app.Client());
        using var scope = _app.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<LeadsDbContext>().Users.SingleAsync();
        var hash = Convert.FromBase64String(user.PasswordHash!);
        // Identity's v3 format: 0x01, PRF (4 bytes), iteration count (4 bytes, big-endian), ...
        Assert.Equal(0x01, hash[0]);
        var iterations = (hash[5] << 24) | (hash[6] << 16) | (hash[7] << 8) | hash[8];
        Assert.True(iterations >= 210_000, $"{iterations} iterations");
        Assert.DoesNotContain(People.AdminPassword, user.PasswordHash!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_without_antiforgery_token_is_400()
    {
        await People.SetUpAsync(_app.Client());
        var response = await _app.Client().PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = People.AdminEmail, ["Password"] = People.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Admin_invites_a_member_who_sets_a_password_and_signs_in()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var member = await People.MemberAsync(_app, admin, "Armin Rigo", "armin@example.org");
        var home = await member.GetPageAsync("/");
        Assert.Equal("Armin Rigo", home.QuerySelector("[data-testid=signed-in-as]")!.TextContent.Trim());
        // A member is not an admin: the users page refuses them with 403.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/users")).StatusCode);
    }

    [Fact]
    public async Task Hangfire_dashboard_is_for_admins_only()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var member = await People.MemberAsync(_app, admin, "Jacob Hallén", "jacob@example.org");

        var anonymous = await _app.Client().GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/account/signin", anonymous.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/hangfire")).StatusCode);
    }

    private static async Task<string> TokenFrom(HttpClient client, string url)
    {
        var page = await client.GetPageAsync(url);
        return page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
    }

    public void Dispose() => _app.Dispose();
}
