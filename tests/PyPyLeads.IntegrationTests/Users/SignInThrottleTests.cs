using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.IntegrationTests.Companies;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>
/// Sign-in throttling (SignInThrottle) over HTTP: growing waits per account and per address, answered 429 with
/// Retry-After, that never stop the owner signing in from another address. The app clock stands still unless a test
/// moves it, so a wait lasts exactly as long as the test says.
/// </summary>
public sealed class SignInThrottleTests : IDisposable
{
    private const string Attacker = "127.0.0.66";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero));
    private readonly LeadsApp _app;

    public SignInThrottleTests() => _app = new LeadsApp { Clock = _clock };

    [Fact]
    public async Task An_attacker_failing_many_times_cannot_stop_the_owner_signing_in_from_another_address()
    {
        _app.OnLoopback();
        using var setUp = _app.ClientFrom("127.0.0.2");
        await People.SetUpAsync(setUp);

        using var attacker = _app.ClientFrom(Attacker);
        var statuses = new List<HttpStatusCode>();
        for (var guess = 0; guess < 12; guess++)
        {
            statuses.Add((await People.SignInAsync(attacker, People.AdminEmail, "guess number " + guess)).StatusCode);
        }
        // Five failures on the account are free; from then on the attacker's address must wait (the clock stands
        // still), and a refused try checks nothing and counts nothing.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 7)], statuses);

        // More of the attacker's addresses: each gets one guess at the account, then waits.
        foreach (var other in new[] { "127.0.0.67", "127.0.0.68" })
        {
            using var more = _app.ClientFrom(other);
            var theirs = new List<HttpStatusCode>();
            for (var guess = 0; guess < 3; guess++)
            {
                theirs.Add((await People.SignInAsync(more, People.AdminEmail, $"guess {guess} from {other}")).StatusCode);
            }
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], theirs);
        }

        // The owner, from an address with no failures, signs in at once with the right password.
        using var owner = _app.ClientFrom("127.0.0.3");
        People.Expect(await People.SignInAsync(owner, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/")).StatusCode);
        // A typo of theirs elsewhere gets the plain answer, and costs them the first delay, not the attackers' waits.
        using var ownerPhone = _app.ClientFrom("127.0.0.4");
        var typo = await People.SignInAsync(ownerPhone, People.AdminEmail, "correct horse battery stapel");
        Assert.Equal(HttpStatusCode.OK, typo.StatusCode);
        Assert.Equal("The e-mail address or the password is wrong.", (await typo.ReadPageAsync()).FieldError("Password"));
        Assert.Equal(TimeSpan.FromSeconds(1), (await People.SignInAsync(ownerPhone, People.AdminEmail, People.AdminPassword)).Headers.RetryAfter?.Delta);

        // The attacker is still held back, even with the right password: a refused try checks nothing.
        var refused = await People.SignInAsync(attacker, People.AdminEmail, People.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.GetAsync("/")).StatusCode);
        Assert.Contains(_app.Logs.Lines, l => l.Contains("PyPyLeads.Security", StringComparison.Ordinal)
                                              && l.Contains($"Sign-in throttled for {People.AdminEmail} from {Attacker}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_failure_past_the_free_ones_doubles_the_wait_answered_429_with_Retry_After()
    {
        await People.SetUpAsync(_app.Client());
        var attacker = _app.Client();
        for (var guess = 0; guess < 5; guess++)
        {
            Assert.Equal(HttpStatusCode.OK, (await People.SignInAsync(attacker, People.AdminEmail, "guess number " + guess)).StatusCode);
        }
        var waits = new List<int>();
        for (var round = 0; round < 4; round++)
        {
            var refused = await People.SignInAsync(attacker, People.AdminEmail, "too soon " + round);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var seconds = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            waits.Add(seconds);
            Assert.Equal($"Too many failed sign-ins from your address. Wait {seconds} second{(seconds == 1 ? "" : "s")}, then try again.",
                (await refused.ReadPageAsync()).FieldError("Password"));

            // A second less is still too soon; the whole wait is enough for one more try, which fails again.
            _clock.Advance(TimeSpan.FromSeconds(seconds - 1));
            Assert.Equal(HttpStatusCode.TooManyRequests, (await People.SignInAsync(attacker, People.AdminEmail, "still too soon")).StatusCode);
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, (await People.SignInAsync(attacker, People.AdminEmail, "after waiting " + round)).StatusCode);
        }
        Assert.Equal([1, 2, 4, 8], waits);
    }

    [Fact]
    public async Task Wrong_passwords_make_the_next_try_wait_and_never_lock_the_account()
    {
        await People.SetUpAsync(_app.Client());
        var client = _app.Client();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await People.SignInAsync(client, People.AdminEmail, "wrong password " + attempt)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await People.SignInAsync(client, People.AdminEmail, People.AdminPassword)).StatusCode);

        // Once the wait is over, the right password signs in, and the failures it made here are forgiven.
        _clock.Advance(TimeSpan.FromSeconds(1));
        People.Expect(await People.SignInAsync(client, People.AdminEmail, People.AdminPassword), HttpStatusCode.Redirect, "/");
        var again = _app.Client();
        Assert.Equal(HttpStatusCode.OK, (await People.SignInAsync(again, People.AdminEmail, "one more typo")).StatusCode);
    }

    [Fact]
    public async Task An_address_guessing_at_many_accounts_is_slowed_after_ten_failures()
    {
        await People.SetUpAsync(_app.Client());
        var guesser = _app.Client();
        for (var account = 0; account < 10; account++)
        {
            Assert.Equal(HttpStatusCode.OK, (await People.SignInAsync(guesser, $"someone{account}@openend.se", "password guess")).StatusCode);
        }
        var refused = await People.SignInAsync(guesser, "someone.else@openend.se", "password guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Failures_older_than_a_day_no_longer_count_and_their_records_are_deleted()
    {
        await People.SetUpAsync(_app.Client());
        var client = _app.Client();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await People.SignInAsync(client, People.AdminEmail, "wrong password " + attempt);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await People.SignInAsync(client, People.AdminEmail, "wrong")).StatusCode);

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await People.SignInAsync(client, People.AdminEmail, "a fresh start")).StatusCode);
        // The failure just made is the only one left.
        Assert.Equal(1, await _app.DbAsync(db => db.SignInFailures.CountAsync()));
    }

    [Fact]
    public void An_IPv6_client_counts_as_its_whole_64_network_and_an_IPv4_client_as_itself()
    {
        Assert.Equal("2001:db8:1:2::/64", SignInThrottle.ClientOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        Assert.Equal(SignInThrottle.ClientOf("2001:db8:1:2::1"), SignInThrottle.ClientOf("2001:db8:1:2:ffff::9"));
        Assert.NotEqual(SignInThrottle.ClientOf("2001:db8:1:2::1"), SignInThrottle.ClientOf("2001:db8:1:3::1"));
        Assert.Equal("192.0.2.7", SignInThrottle.ClientOf("::ffff:192.0.2.7"));
        Assert.Equal("192.0.2.7", SignInThrottle.ClientOf("192.0.2.7"));
    }

    public void Dispose() => _app.Dispose();
}
