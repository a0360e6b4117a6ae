using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PyPyLeads.Users;

namespace PyPyLeads.IntegrationTests.Production;

/// <summary>
/// With DataProtection:Certificate set, the keys that sign the cookies are stored encrypted with that certificate: a copy
/// of the database (a backup, a stolen file) can neither read a cookie nor mint one the app accepts without it.
/// </summary>
public sealed class KeysAtRestTests : IDisposable
{
    private static readonly Uri Site = new("http://localhost");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pypyleads-tests", "keys-" + Guid.NewGuid().ToString("N"));
    private readonly ThrowawayCertificate _certificate;
    private readonly List<LeadsApp> _apps = [];

    public KeysAtRestTests() => _certificate = ThrowawayCertificate.Create(_folder, "pypyleads-keys");

    [Fact]
    public async Task The_keys_in_the_database_are_encrypted_with_the_certificate_and_hold_no_plain_master_key()
    {
        var encrypted = App(_certificate);
        var plain = App(certificate: null);

        await SignedInCookieAsync(encrypted);
        await SignedInCookieAsync(plain);

        var keys = StoredKeys(encrypted.DatabasePath);
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<EncryptedData", xml, StringComparison.Ordinal);
            Assert.Contains("EncryptedXmlDecryptor", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
        });
        // The same check sees the master key where no certificate is configured (Development and Testing may run so).
        Assert.Contains(StoredKeys(plain.DatabasePath), xml => xml.Contains("<value>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_copy_of_the_database_without_the_certificate_can_neither_read_nor_mint_a_sign_in_cookie()
    {
        var app = App(_certificate);
        var cookie = await SignedInCookieAsync(app);
        var copyWithout = App(certificate: null, databaseFrom: app);
        var copyWith = App(_certificate, databaseFrom: app);

        // The copy holds the keys but cannot decrypt them: the stolen cookie opens nothing there...
        AssertRefused(await WithCookie(copyWithout, cookie).GetAsync("/"));
        // ...and a cookie it mints for the admin opens nothing in the app.
        var minted = await MintAsync(copyWithout, app);
        if (minted is not null)
        {
            AssertRefused(await WithCookie(app, minted).GetAsync("/"));
        }

        // What the two refusals hinge on: with the certificate the same copy reads the cookie, and the app accepts
        // the cookie it mints itself.
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(copyWith, cookie).GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(app, (await MintAsync(app, app))!).GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task After_a_change_of_certificate_sign_ins_last_while_the_old_certificate_is_listed_and_end_without_it()
    {
        var app = App(_certificate);
        var cookie = await SignedInCookieAsync(app);
        var next = ThrowawayCertificate.Create(_folder, "pypyleads-keys-next", "next");

        // Restarted on the same database with the new certificate, the old one under DataProtection:OldCertificates:
        // the keys it encrypted are read, so the sign-in goes on.
        var rotated = App(next, databaseFrom: app, old: _certificate);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(rotated, cookie).GetAsync("/")).StatusCode);

        // Restarted again with the new certificate alone: those keys cannot be read, and the cookie is refused.
        var without = App(next, databaseFrom: rotated);
        AssertRefused(await WithCookie(without, cookie).GetAsync("/"));
    }

    /// <summary>An app whose keys are encrypted with <paramref name="certificate"/> (none: stored plain), able to read those <paramref name="old"/> encrypted.</summary>
    private LeadsApp App(ThrowawayCertificate? certificate, LeadsApp? databaseFrom = null, ThrowawayCertificate? old = null)
    {
        var app = new LeadsApp();
        _apps.Add(app);
        foreach (var (key, value) in certificate?.KeySettings ?? new Dictionary<string, string>())
        {
            app.With(key, value);
        }
        if (old is not null)
        {
            app.With("DataProtection:OldCertificates:0:Path", old.PfxPath).With("DataProtection:OldCertificates:0:Password", old.Password);
        }
        if (databaseFrom is not null)
        {
            // A consistent copy of the live database, as a backup would take it.
            using var source = new SqliteConnection($"Data Source={databaseFrom.DatabasePath};Pooling=False");
            using var target = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
            source.Open();
            target.Open();
            source.BackupDatabase(target);
        }
        return app;
    }

    private static async Task<string> SignedInCookieAsync(LeadsApp app)
    {
        var cookies = new CookieContainer();
        var client = app.CreateDefaultClient(Site, new CookieContainerHandler(cookies));
        await People.SetUpAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        return cookies.GetCookies(Site)["pypyleads"]!.Value;
    }

    /// <summary>
    /// A sign-in cookie for the admin made with <paramref name="app"/>'s keys, naming a live session of <paramref name="sessionIn"/>
    /// (so only the keys decide whether <paramref name="sessionIn"/> accepts it); null when <paramref name="app"/> has no keys it can use.
    /// </summary>
    private static async Task<string?> MintAsync(LeadsApp app, LeadsApp sessionIn)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        var admin = (await users.FindByEmailAsync(People.AdminEmail))!;
        var principal = await signIn.CreateUserPrincipalAsync(admin);
        // A cookie names its server-side session (SignInSessions): mint one for a session that exists in this app's database.
        await using var target = sessionIn.Services.CreateAsyncScope();
        var session = await target.ServiceProvider.GetRequiredService<Sessions>().StartAsync(admin.Id, "127.0.0.1", null, CancellationToken.None);
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new System.Security.Claims.Claim(PyPyLeads.Web.Infrastructure.SignInSessions.ClaimType, session));
        var format = scope.ServiceProvider.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).TicketDataFormat;
        var now = DateTimeOffset.UtcNow;
        try
        {
            return format.Protect(new AuthenticationTicket(principal,
                new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(1) }, IdentityConstants.ApplicationScheme));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static HttpClient WithCookie(LeadsApp app, string value)
    {
        var client = app.CreateDefaultClient(Site);
        client.DefaultRequestHeaders.Add("Cookie", $"pypyleads={value}");
        return client;
    }

    private static void AssertRefused(HttpResponseMessage response)
    {
        People.Expect(response, HttpStatusCode.Redirect);
        Assert.StartsWith("http://localhost/account/signin", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    private static List<string> StoredKeys(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Xml" FROM "DataProtectionKeys" """;
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
    }
}
