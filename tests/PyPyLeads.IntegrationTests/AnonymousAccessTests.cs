using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.IntegrationTests;

/// <summary>
/// Every endpoint the app maps, found from its routing table, turns anonymous callers away: pages to sign-in, the JSON
/// API (bearer tokens only) with a 401 problem.
/// </summary>
public sealed class AnonymousAccessTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task Every_endpoint_not_marked_anonymous_redirects_to_sign_in_and_the_api_answers_401()
    {
        var client = _app.Client();
        var endpoints = _app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .ToList();
        Assert.True(endpoints.Count >= 5, $"Only {endpoints.Count} protected endpoints found");

        var checkedRequests = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { IsCatchAll: true } => "x",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "1",
                _ => "",
            }))));
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method != "GET")
                {
                    request.Content = new FormUrlEncodedContent([]);
                }
                var response = await client.SendAsync(request);
                if (path.StartsWith("/api/v1", StringComparison.Ordinal))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    checkedRequests.Add($"{method} {path}");
                    continue;
                }
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {path} answered {(int)response.StatusCode}");
                Assert.StartsWith("/account/signin", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
                checkedRequests.Add($"{method} {path}");
            }
        }
        Assert.Contains("GET /", checkedRequests);
        Assert.Contains("GET /users", checkedRequests);
        Assert.Contains("GET /api/v1/companies", checkedRequests);
        Assert.Contains(checkedRequests, r => r.StartsWith("GET /hangfire", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/account/signin")]
    [InlineData("/health")]
    public async Task Sign_in_set_up_and_health_are_open(string path)
    {
        var response = await _app.Client().GetAsync(path);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Location?.OriginalString.StartsWith("/account/signin", StringComparison.Ordinal) ?? false);
    }

    public void Dispose() => _app.Dispose();
}
