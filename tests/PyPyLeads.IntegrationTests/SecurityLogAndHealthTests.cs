using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PyPyLeads.IntegrationTests;

public sealed class SecurityLogTests : IDisposable
{
    // Two failures are free, then a minute's wait: the third try is throttled however slowly the test runs.
    private readonly LeadsApp _app = new LeadsApp().With("SignIn:FreeFailuresPerAccount", "2").With("SignIn:FirstDelaySeconds", "60");

    [Fact]
    public async Task Sign_ins_failures_throttling_and_refusals_are_logged_with_user_and_address_never_the_password()
    {
        var admin = _app.Client();
        await People.SetUpAsync(admin);
        var member = await People.MemberAsync(_app, admin, "Christian Tismer", "tismer@example.org");
        await member.GetAsync("/users"); // 403

        var client = _app.Client();
        await People.SignInAsync(client, "tismer@example.org", "secret-guess-one");
        await People.SignInAsync(client, "tismer@example.org", "secret-guess-two");
        await People.SignInAsync(client, "tismer@example.org", "secret-guess-three");

        var lines = _app.Logs.Lines.Where(l => l.Contains("PyPyLeads", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("Signed in tismer@example.org from", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Sign-in failed for tismer@example.org from", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Warning PyPyLeads.Security: Sign-in throttled for tismer@example.org from", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Refused GET /users to tismer@example.org from", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain("secret-guess", l, StringComparison.Ordinal));
        Assert.All(_app.Logs.Lines, l => Assert.DoesNotContain(People.AdminPassword, l, StringComparison.Ordinal));
    }

    public void Dispose() => _app.Dispose();
}

public sealed class HealthWhenSomethingFailsTests : IDisposable
{
    private readonly LeadsApp _app = new()
    {
        ExtraServices = services => services.AddHealthChecks().AddCheck("broken", () => HealthCheckResult.Unhealthy("down for the test")),
    };

    [Fact]
    public async Task Health_is_503_when_a_check_fails()
    {
        var response = await _app.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("down for the test", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();
}
