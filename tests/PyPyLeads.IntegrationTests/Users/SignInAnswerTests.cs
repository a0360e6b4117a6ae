using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.IntegrationTests.Companies;
using PyPyLeads.Users;
using Xunit.Abstractions;

namespace PyPyLeads.IntegrationTests.Users;

/// <summary>A sign-in with an e-mail address nobody has is answered as one with a wrong password: same page, same status, same work.</summary>
public sealed class SignInAnswerTests(ITestOutputHelper output) : IDisposable
{
    private const string Nobody = "nobody@openend.se";

    // Every password check the app makes: the hash it was checked against.
    private readonly ConcurrentQueue<string> _checked = new();
    private LeadsApp? _app;

    private LeadsApp App(params (string Key, string Value)[] settings)
    {
        _app = new LeadsApp { Clock = new FakeTimeProvider(new DateTimeOffset(2011, 3, 2, 17, 0, 0, TimeSpan.Zero)) };
        foreach (var (key, value) in settings)
        {
            _app.With(key, value);
        }
        // The app's own hasher, with its own settings, watched.
        _app.WithServices(services => services.AddScoped<IPasswordHasher<AppUser>>(sp =>
            new WatchedHasher(new PasswordHasher<AppUser>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>()), _checked)));
        return _app;
    }

    [Fact]
    public async Task An_unknown_account_gets_the_same_status_and_page_as_a_wrong_password_then_the_same_wait()
    {
        // The address's own limit is set out of the way: both e-mail addresses are tried from the one test client.
        var app = App(("SignIn:FreeFailuresPerAddress", "100"));
        await People.SetUpAsync(app.Client());
        var client = app.Client();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var known = await People.SignInAsync(client, People.AdminEmail, "wrong password " + attempt);
            var unknown = await People.SignInAsync(client, Nobody, "wrong password " + attempt);

            // The sixth try of each waits: the unknown address is throttled exactly as the real one.
            Assert.Equal(attempt <= 5 ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, known.StatusCode);
            Assert.Equal(known.StatusCode, unknown.StatusCode);
            Assert.Equal(known.Headers.RetryAfter?.ToString(), unknown.Headers.RetryAfter?.ToString());
            Assert.Equal(await ComparableAsync(known, People.AdminEmail), await ComparableAsync(unknown, Nobody));
        }
    }

    [Fact]
    public async Task An_unknown_account_costs_the_same_password_hash_as_a_known_one()
    {
        var app = App(("SignIn:FreeFailuresPerAddress", "1000"), ("SignIn:FreeFailuresPerAccount", "1000"));
        var admin = app.Client();
        await People.SetUpAsync(admin);
        await People.InviteAsync(admin, "Armin Rigo", "arigo@openend.se");
        var adminHash = await app.DbAsync(db => db.Users.Where(u => u.Email == People.AdminEmail).Select(u => u.PasswordHash!).SingleAsync());
        var client = app.Client();
        await TimedSignInAsync(client, People.AdminEmail); // the first of each path pays for JIT and the decoy's own hash
        await TimedSignInAsync(client, Nobody);

        var known = new List<double>();
        var unknown = new List<double>();
        for (var round = 0; round < 9; round++)
        {
            _checked.Clear();
            known.Add(await TimedSignInAsync(client, People.AdminEmail));
            var knownChecks = _checked.ToList();
            _checked.Clear();
            unknown.Add(await TimedSignInAsync(client, Nobody));
            var unknownChecks = _checked.ToList();

            // One check each, at the same cost: the decoy's hash has the real one's format, function and iterations.
            Assert.Equal(adminHash, Assert.Single(knownChecks));
            Assert.Equal(Header(adminHash), Header(Assert.Single(unknownChecks)));
        }
        Assert.Equal(210_000, Iterations(adminHash));

        // An invited user with no password yet is checked against the decoy too.
        _checked.Clear();
        await TimedSignInAsync(client, "arigo@openend.se");
        Assert.Equal(Header(adminHash), Header(Assert.Single(_checked)));

        var (knownMedian, unknownMedian) = (Median(known), Median(unknown));
        output.WriteLine($"Sign-in POST, median of {known.Count}: known account, wrong password {knownMedian:F1} ms; unknown account {unknownMedian:F1} ms; ratio {unknownMedian / knownMedian:F2}");
        // Generous: a shared machine's noise is allowed for, a skipped hash (a few ms against a hundred) is not.
        Assert.InRange(unknownMedian / knownMedian, 0.33, 3.0);
    }

    /// <summary>The milliseconds of the sign-in POST alone (the page with its token is loaded first).</summary>
    private static async Task<double> TimedSignInAsync(HttpClient client, string email)
    {
        var page = await client.GetPageAsync("/account/signin");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = "a wrong password", ["__RequestVerificationToken"] = token,
        });
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync("/account/signin", form);
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The page as HTML, with the e-mail address typed and the one-time anti-forgery tokens taken out.</summary>
    private static async Task<string> ComparableAsync(HttpResponseMessage response, string email)
    {
        var page = await response.ReadPageAsync();
        foreach (var token in page.QuerySelectorAll("input[name=__RequestVerificationToken]"))
        {
            token.RemoveAttribute("value");
        }
        var typed = (IHtmlInputElement)page.QuerySelector("input[name=Email]")!;
        Assert.Equal(email, typed.GetAttribute("value"));
        typed.SetAttribute("value", "typed");
        return page.DocumentElement.OuterHtml;
    }

    // Identity's v3 format: 0x01, PRF (4 bytes), iteration count (4 bytes, big-endian), salt length (4 bytes).
    private static string Header(string hash) => Convert.ToHexString(Convert.FromBase64String(hash).AsSpan(0, 13));

    private static int Iterations(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        return (bytes[5] << 24) | (bytes[6] << 16) | (bytes[7] << 8) | bytes[8];
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public void Dispose() => _app?.Dispose();

    private sealed class WatchedHasher(IPasswordHasher<AppUser> inner, ConcurrentQueue<string> checkedHashes) : IPasswordHasher<AppUser>
    {
        public string HashPassword(AppUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            checkedHashes.Enqueue(hashedPassword);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
