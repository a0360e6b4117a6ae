using System.Net;

namespace PyPyLeads.IntegrationTests;

public sealed class SignInRateLimitTests : IDisposable
{
    private readonly LeadsApp _app = new LeadsApp().With("SignIn:PermitsPerMinute", "4");

    [Fact]
    public async Task Too_many_sign_in_attempts_from_one_address_get_429_with_a_friendly_page()
    {
        // Set-up is limited by the same policy: it takes one of the four permits.
        await People.SetUpAsync(_app.Client());
        var client = _app.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await People.SignInAsync(client, "nobody@example.com", "whatever password")).StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var limited = await People.SignInAsync(client, "nobody@example.com", "whatever password");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Wait a while", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Pages that are not sign-in are not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
