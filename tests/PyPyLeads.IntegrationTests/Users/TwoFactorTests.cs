using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>
/// Two-factor sign-in over HTTP, with codes computed as an authenticator app computes them (Otp.NET) at the time the
/// app's authenticator clock says: a fake clock, moved step by step, so each code's step is known.
/// </summary>
public sealed partial class TwoFactorTests : IDisposable
{
    private readonly TwoFactorKit _kit = new();

    private LeadsApp App => _kit.App;

    [Fact]
    public async Task Enrolling_with_the_code_the_app_shows_turns_two_factor_on_and_shows_ten_recovery_codes_once()
    {
        var admin = await _kit.AdminAsync();

        var enrolPage = await admin.GetAsync("/account/two-factor/enrol");
        // The QR code is an image inside the page, which the page's security policy allows.
        Assert.Contains("img-src 'self' data:", enrolPage.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.StartsWith("data:image/png;base64,", (await enrolPage.ReadPageAsync()).QuerySelector("[data-testid=qr-code]")!.GetAttribute("src"), StringComparison.Ordinal);

        var (_, codes) = await _kit.EnrolAsync(admin);

        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[A-Z0-9]{5}-[A-Z0-9]{5}$", c));
        Assert.True(await _kit.TwoFactorEnabledAsync());
        var status = await admin.GetPageAsync("/account/two-factor");
        Assert.Contains("Recovery codes left: 10", status.QuerySelector("[data-testid=recovery-codes-left]")!.TextContent, StringComparison.Ordinal);
        Assert.All(codes, c => Assert.DoesNotContain(c, status.Body!.TextContent, StringComparison.Ordinal));
        Assert.Contains(App.Logs.Lines, l => l.StartsWith("Information PyPyLeads.Security: Two-factor sign-in enabled for lac@openend.se from ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_code_at_enrolment_turns_nothing_on()
    {
        var admin = await _kit.AdminAsync();
        var key = await _kit.KeyAsync(admin);

        var response = await admin.PostFormAsync("/account/two-factor/enrol", new Dictionary<string, string> { ["Code"] = _kit.Code(key, stepsFromNow: 5) }, TwoFactorKit.EnrolPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EnableTwoFactor.WrongCode, (await response.ReadPageAsync()).FieldError("Code"));
        Assert.False(await _kit.TwoFactorEnabledAsync());
        Assert.Contains(App.Logs.Lines, l => l.StartsWith("Warning PyPyLeads.Security: Two-factor enrolment code refused for lac@openend.se from ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Once_enrolled_the_password_alone_does_not_sign_in_and_a_current_code_does()
    {
        var (key, _) = await _kit.EnrolAsync(await _kit.AdminAsync());
        _kit.NextStep();

        var client = App.Client();
        await _kit.PasswordAsync(client);
        Assert.Equal("/account/signin", (await client.GetAsync("/")).Headers.Location!.AbsolutePath);

        People.Expect(await _kit.SecondStepAsync(client, _kit.Code(key)), HttpStatusCode.Redirect, "/");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Contains(App.Logs.Lines, l => l.Contains("Signed in lac@openend.se with a second factor from ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_code_is_accepted_once_and_refused_when_used_again()
    {
        var (key, _) = await _kit.EnrolAsync(await _kit.AdminAsync());

        // The code that confirmed the app, in the same step: used already.
        var first = App.Client();
        await _kit.PasswordAsync(first);
        await _kit.AssertRefusedAsync(first, _kit.Code(key));

        _kit.NextStep();
        var code = _kit.Code(key);
        People.Expect(await _kit.SecondStepAsync(first, code), HttpStatusCode.Redirect, "/");

        // Someone who saw it, a second later, with the password too.
        var second = App.Client();
        await _kit.PasswordAsync(second);
        await _kit.AssertRefusedAsync(second, code);
        Assert.Contains(App.Logs.Lines, l => l.StartsWith("Warning PyPyLeads.Security: Second sign-in step failed for lac@openend.se from ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_sign_ins_racing_with_the_same_code_let_exactly_one_in()
    {
        var (key, _) = await _kit.EnrolAsync(await _kit.AdminAsync());
        _kit.NextStep();
        var clients = Enumerable.Range(0, 4).Select(_ => App.Client()).ToList();
        foreach (var client in clients)
        {
            await _kit.PasswordAsync(client);
        }

        var code = _kit.Code(key);
        var responses = await Task.WhenAll(clients.Select(c => _kit.SecondStepAsync(c, code)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_code_of_a_step_beyond_the_allowed_drift_is_refused_and_one_within_it_is_accepted()
    {
        var (key, _) = await _kit.EnrolAsync(await _kit.AdminAsync());
        // Three steps on, the steps one and two back were never used: only the drift rule can refuse them.
        _kit.NextStep(3);

        var client = App.Client();
        await _kit.PasswordAsync(client);
        await _kit.AssertRefusedAsync(client, _kit.Code(key, stepsFromNow: -2));
        await _kit.AssertRefusedAsync(client, _kit.Code(key, stepsFromNow: 2));
        People.Expect(await _kit.SecondStepAsync(client, _kit.Code(key, stepsFromNow: -1)), HttpStatusCode.Redirect, "/");
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var (_, codes) = await _kit.EnrolAsync(await _kit.AdminAsync());
        var recovery = codes[3];

        var first = App.Client();
        await _kit.PasswordAsync(first);
        // As someone types it from paper: lower case, without the dash.
        People.Expect(await _kit.SecondStepAsync(first, recovery.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant()), HttpStatusCode.Redirect, "/");
        Assert.Equal("Recovery code used: 9 left.", (await first.GetPageAsync("/")).QuerySelector("[data-testid=flash]")!.TextContent.Trim());
        Assert.Contains(App.Logs.Lines, l => l.StartsWith("Warning PyPyLeads.Security: Recovery code used by lac@openend.se from ", StringComparison.Ordinal)
            && l.EndsWith(": 9 left", StringComparison.Ordinal));

        var second = App.Client();
        await _kit.PasswordAsync(second);
        await _kit.AssertRefusedAsync(second, recovery);
        People.Expect(await _kit.SecondStepAsync(second, codes[4]), HttpStatusCode.Redirect, "/");
    }

    [Fact]
    public async Task Wrong_codes_from_someone_with_the_password_cannot_stop_the_owner_signing_in_from_another_address()
    {
        // The app clock stands still, so the waits the wrong codes earn last as long as the test says.
        var clock = new FakeTimeProvider(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero));
        using var kit = new TwoFactorKit(() => new LeadsApp { Clock = clock }.OnLoopback());
        using var setUp = kit.App.ClientFrom("127.0.0.2");
        var (key, _) = await kit.EnrolAsync(await kit.AdminAsync(setUp));
        kit.NextStep();

        // Someone who has the password but not the phone: codes of steps far from now are never right.
        using var attacker = kit.App.ClientFrom("127.0.0.66");
        await kit.PasswordAsync(attacker);
        for (var guess = 0; guess < 5; guess++)
        {
            await kit.AssertRefusedAsync(attacker, kit.Code(key, stepsFromNow: 10 + guess));
        }
        for (var guess = 5; guess < 8; guess++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await kit.SecondStepAsync(attacker, kit.Code(key, stepsFromNow: 10 + guess))).StatusCode);
        }

        // The owner, from their own address, signs in with the password and the code their phone shows.
        using var owner = kit.App.ClientFrom("127.0.0.3");
        await kit.PasswordAsync(owner);
        People.Expect(await kit.SecondStepAsync(owner, kit.Code(key)), HttpStatusCode.Redirect, "/");
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_lockout_left_on_a_user_from_before_does_not_stop_them_signing_in()
    {
        var (key, _) = await _kit.EnrolAsync(await _kit.AdminAsync());
        _kit.NextStep();
        using (var scope = App.Services.CreateScope())
        {
            // As Identity's lockout left a row: it counted five failures and locked the user for a while.
            await scope.ServiceProvider.GetRequiredService<PyPyLeads.Data.LeadsDbContext>().Users.Where(u => u.Email == People.AdminEmail)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockoutEnabled, true).SetProperty(x => x.AccessFailedCount, 5)
                    .SetProperty(x => x.LockoutEnd, DateTimeOffset.UtcNow.AddYears(1)));
        }

        var client = App.Client();
        await _kit.PasswordAsync(client);
        People.Expect(await _kit.SecondStepAsync(client, _kit.Code(key)), HttpStatusCode.Redirect, "/");
    }

    [Fact]
    public async Task Wrong_codes_from_one_address_must_wait_after_the_free_ones_answered_429_with_Retry_After()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero));
        using var kit = new TwoFactorKit(() => new LeadsApp { Clock = clock });
        var (key, _) = await kit.EnrolAsync(await kit.AdminAsync());
        kit.NextStep();
        var client = kit.App.Client();
        await kit.PasswordAsync(client);

        // Five failures on the account are free (SignIn:FreeFailuresPerAccount).
        for (var guess = 0; guess < 5; guess++)
        {
            await kit.AssertRefusedAsync(client, kit.Code(key, stepsFromNow: 10 + guess));
        }

        // Then the address waits 1 s after its last failure, and a try that must wait checks nothing: even the right code.
        var refused = await kit.SecondStepAsync(client, kit.Code(key));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("Too many failed sign-ins from your address. Wait 1 second, then try again.", (await refused.ReadPageAsync()).FieldError("Code"));
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Contains(kit.App.Logs.Lines, l => l.StartsWith($"Warning PyPyLeads.Security: Sign-in throttled for {People.AdminEmail} from ", StringComparison.Ordinal));

        // Each further failure doubles the wait.
        clock.Advance(TimeSpan.FromSeconds(1));
        await kit.AssertRefusedAsync(client, kit.Code(key, stepsFromNow: 20));
        Assert.Equal(TimeSpan.FromSeconds(2), (await kit.SecondStepAsync(client, kit.Code(key))).Headers.RetryAfter?.Delta);

        // After the wait, the right code signs in.
        clock.Advance(TimeSpan.FromSeconds(2));
        People.Expect(await kit.SecondStepAsync(client, kit.Code(key)), HttpStatusCode.Redirect, "/");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task New_recovery_codes_replace_the_old_ones()
    {
        var admin = await _kit.AdminAsync();
        var (_, old) = await _kit.EnrolAsync(admin);

        var response = await admin.PostFormAsync("/account/two-factor", new Dictionary<string, string>(), "/account/two-factor/recovery-codes");
        var fresh = TwoFactorKit.RecoveryCodesOn(await response.ReadPageAsync());

        Assert.Equal(10, fresh.Count);
        Assert.Empty(fresh.Intersect(old));
        var client = App.Client();
        await _kit.PasswordAsync(client);
        await _kit.AssertRefusedAsync(client, old[0]);
        People.Expect(await _kit.SecondStepAsync(client, fresh[0]), HttpStatusCode.Redirect, "/");
    }

    [Fact]
    public async Task Turning_two_factor_off_needs_the_password_or_a_current_code()
    {
        var admin = await _kit.AdminAsync();
        await _kit.EnrolAsync(admin);

        var refused = await admin.PostFormAsync("/account/two-factor/disable", new Dictionary<string, string> { ["Password"] = "not the password at all" });
        Assert.Equal(DisableTwoFactor.NotProven, (await refused.ReadPageAsync()).FieldError("Password"));
        Assert.True(await _kit.TwoFactorEnabledAsync());

        People.Expect(await admin.PostFormAsync("/account/two-factor/disable", new Dictionary<string, string> { ["Password"] = People.AdminPassword }),
            HttpStatusCode.Redirect, "/account/two-factor");
        Assert.False(await _kit.TwoFactorEnabledAsync());
        Assert.Contains(App.Logs.Lines, l => l.StartsWith("Information PyPyLeads.Security: Two-factor sign-in disabled for lac@openend.se from ", StringComparison.Ordinal));
        // The password alone signs in again, and this session goes on.
        People.Expect(await People.SignInAsync(App.Client(), People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/settings")).StatusCode);
    }

    public void Dispose() => _kit.Dispose();
}

/// <summary>The steps the two-factor tests share: an app whose authenticator clock a test moves, an admin, codes as a phone makes them.</summary>
public sealed partial class TwoFactorKit : IDisposable
{
    public const string EnrolPath = "/account/two-factor/enrol";
    public const string SecondStepPath = "/account/two-factor/sign-in";

    /// <summary>The phone's time and the app's authenticator clock: at the start of a 30-second step.</summary>
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    public TwoFactorKit(Func<LeadsApp>? app = null) =>
        App = (app?.Invoke() ?? new LeadsApp()).WithServices(s => s.AddSingleton(new AuthenticatorClock(_time)));

    public LeadsApp App { get; }

    /// <summary>Sets the app up; the admin's client, signed in.</summary>
    public async Task<HttpClient> AdminAsync(HttpClient? client = null)
    {
        client ??= App.Client();
        await People.SetUpAsync(client);
        return client;
    }

    public void NextStep(int steps = 1) => _time.Advance(TimeSpan.FromSeconds(30 * steps));

    /// <summary>The code a phone shows <paramref name="stepsFromNow"/> steps from the clock's now.</summary>
    public string Code(string key, int stepsFromNow = 0) =>
        new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(_time.GetUtcNow().AddSeconds(30 * stepsFromNow).UtcDateTime);

    /// <summary>The shared key the enrolment page shows, as a person types it into the app.</summary>
    public async Task<string> KeyAsync(HttpClient client)
    {
        var page = await client.GetPageAsync(EnrolPath);
        return WhiteSpace().Replace(page.QuerySelector("[data-testid=shared-key]")!.TextContent, "").ToUpperInvariant();
    }

    /// <summary>Adds an authenticator app for the signed-in <paramref name="client"/>; its key and the recovery codes shown.</summary>
    public async Task<(string Key, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(HttpClient client)
    {
        var key = await KeyAsync(client);
        var response = await client.PostFormAsync(EnrolPath, new Dictionary<string, string> { ["Code"] = Code(key) }, EnrolPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (key, RecoveryCodesOn(await response.ReadPageAsync()));
    }

    public static IReadOnlyList<string> RecoveryCodesOn(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();

    /// <summary>The right password, which leads to the second step.</summary>
    public async Task PasswordAsync(HttpClient client, string email = People.AdminEmail, string password = People.AdminPassword)
    {
        var response = await People.SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(SecondStepPath, response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    public Task<HttpResponseMessage> SecondStepAsync(HttpClient client, string code) =>
        client.PostFormAsync(SecondStepPath, new Dictionary<string, string> { ["Code"] = code }, SecondStepPath);

    /// <summary>The code is refused beside the field, and the client is still not signed in.</summary>
    public async Task AssertRefusedAsync(HttpClient client, string code)
    {
        var response = await SecondStepAsync(client, code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PassSecondFactor.WrongCode, (await response.ReadPageAsync()).FieldError("Code"));
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    public async Task<bool> TwoFactorEnabledAsync(string email = People.AdminEmail)
    {
        using var scope = App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PyPyLeads.Data.LeadsDbContext>().Users.Where(u => u.Email == email).Select(u => u.TwoFactorEnabled).SingleAsync();
    }

    [GeneratedRegex(@"\s")]
    private static partial Regex WhiteSpace();

    public void Dispose() => App.Dispose();
}
