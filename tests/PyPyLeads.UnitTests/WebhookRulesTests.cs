using System.Net;
using PyPyLeads.Webhooks;

namespace PyPyLeads.UnitTests;

public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("https://hooks.example.com/pypyleads", null)]
    [InlineData("http://hooks.example.com/pypyleads", "Only https:// URLs are accepted: the events carry your leads' data.")]
    [InlineData("ftp://hooks.example.com/", "Give a full https:// URL (e.g. https://hooks.example.com/pypyleads).")]
    [InlineData("hooks.example.com", "Give a full https:// URL (e.g. https://hooks.example.com/pypyleads).")]
    [InlineData("https://localhost/hook", "That address is on this server's own network; give the receiver's public address.")]
    [InlineData("https://127.0.0.1/hook", "That address is on this server's own network; give the receiver's public address.")]
    [InlineData("https://192.168.1.10/hook", "That address is on this server's own network; give the receiver's public address.")]
    [InlineData("https://[::1]/hook", "That address is on this server's own network; give the receiver's public address.")]
    [InlineData("https://169.254.169.254/latest/meta-data", "That address is on this server's own network; give the receiver's public address.")]
    [InlineData("https://user:pw@hooks.example.com/", "Leave user names and passwords out of the URL; the signature proves the sender.")]
    public void Only_https_urls_outside_the_servers_own_network_are_accepted(string url, string? problem) =>
        Assert.Equal(problem, WebhookUrls.Problem(url, allowInsecureLoopback: false));

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook", null)]
    [InlineData("http://localhost:5000/hook", null)]
    [InlineData("http://hooks.example.com/hook", "Only https:// URLs are accepted (http:// only to this machine, for tests).")]
    public void With_insecure_loopback_allowed_http_goes_to_this_machine_only(string url, string? problem) =>
        Assert.Equal(problem, WebhookUrls.Problem(url, allowInsecureLoopback: true));

    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.5.4", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void A_connection_goes_only_to_public_addresses(string address, bool allowed) =>
        Assert.Equal(allowed, WebhookUrls.IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void A_signature_is_the_standard_webhooks_v1_hmac_over_id_timestamp_and_body()
    {
        // The example of the Standard Webhooks specification's reference implementations.
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        const string body = "{\"test\": 2432232314}";
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body));
        Assert.False(WebhookSignature.Verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body + " ",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }
}
