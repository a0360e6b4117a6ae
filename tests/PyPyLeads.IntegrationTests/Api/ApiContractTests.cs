using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.IntegrationTests.Deals;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>
/// The contract: <c>/openapi/v1.json</c> read as a client reads it. It fails when an endpoint of the app, a status code
/// an endpoint answers, or a schema it refers to is missing from the document, or the document is not valid OpenAPI 3.1.
/// The table below is the API's endpoint list with every status each answers.
/// </summary>
public sealed partial class ApiContractTests : IAsyncLifetime
{
    private const int Ok = 200, Created = 201, Bad = 400, Unauthorized = 401, Forbidden = 403, NotFound = 404, Conflict = 409, Stale = 412,
        Unprocessable = 422, IfMatchRequired = 428, TooMany = 429;

    private static readonly int[] Read = [Ok, Unauthorized, TooMany];
    private static readonly int[] Create = [Created, Bad, Unauthorized, Forbidden, Unprocessable, TooMany];
    private static readonly int[] Change = [Ok, Bad, Unauthorized, Forbidden, NotFound, Stale, IfMatchRequired, TooMany];
    private static readonly int[] Transition = [.. Change, Unprocessable];

    public static readonly IReadOnlyDictionary<string, int[]> Endpoints = new Dictionary<string, int[]>
    {
        ["GET /api/v1/companies"] = [.. Read, Bad],
        ["GET /api/v1/companies/{id}"] = [.. Read, NotFound],
        ["POST /api/v1/companies"] = [.. Create, Conflict],
        ["PUT /api/v1/companies/{id}"] = [.. Change, Conflict],
        ["DELETE /api/v1/companies/{id}"] = [204, Unauthorized, Forbidden, NotFound, TooMany],
        ["POST /api/v1/companies/{id}/restore"] = Transition,
        ["POST /api/v1/companies/{id}/merge"] = Transition,
        ["GET /api/v1/companies/{id}/people"] = [.. Read, NotFound],
        ["POST /api/v1/companies/{id}/people"] = [.. Create, NotFound, Conflict],
        ["GET /api/v1/people/{id}"] = [.. Read, NotFound],
        ["PUT /api/v1/people/{id}"] = Change,
        ["POST /api/v1/people/{id}/merge"] = Transition,
        ["POST /api/v1/contacts"] = [.. Create, Conflict],
        ["GET /api/v1/presentations"] = Read,
        ["GET /api/v1/presentations/{id}"] = [.. Read, NotFound],
        ["POST /api/v1/presentations"] = Create,
        ["POST /api/v1/presentations/{id}/schedule"] = [.. Transition, Conflict],
        ["POST /api/v1/presentations/{id}/deliver"] = [.. Transition, Conflict],
        ["POST /api/v1/presentations/{id}/decline"] = [.. Transition, Conflict],
        ["POST /api/v1/presentations/{id}/cancel"] = [.. Transition, Conflict],
        ["GET /api/v1/meetings"] = [.. Read, Bad],
        ["GET /api/v1/meetings/{id}"] = [.. Read, NotFound],
        ["POST /api/v1/meetings"] = [.. Create, Conflict],
        ["PUT /api/v1/meetings/{id}"] = [.. Change, Conflict],
        ["POST /api/v1/meetings/{id}/held"] = [.. Transition, Conflict],
        ["POST /api/v1/meetings/{id}/cancel"] = [.. Transition, Conflict],
        ["GET /api/v1/deals"] = Read,
        ["GET /api/v1/deals/{id}"] = [.. Read, NotFound],
        ["POST /api/v1/deals"] = Create,
        ["PUT /api/v1/deals/{id}"] = Change,
        ["POST /api/v1/deals/{id}/move"] = Transition,
        ["GET /api/v1/followups"] = [.. Read, Bad],
        ["GET /api/v1/followups/{id}"] = [.. Read, NotFound],
        ["POST /api/v1/followups"] = Create,
        ["POST /api/v1/followups/{id}/complete"] = Transition,
        ["POST /api/v1/followups/{id}/snooze"] = Transition,
        ["POST /api/v1/followups/{id}/cancel"] = Transition,
        ["POST /api/v1/public/presentation-requests"] = [202, Bad, Unprocessable, TooMany],
        ["GET /api/v1/tour-stops"] = Read,
        ["GET /api/v1/team"] = Read,
        ["GET /api/v1/dashboard"] = Read,
    };

    private DealsWorld _world = null!;
    private JsonElement _document;
    private string _text = "";

    public async Task InitializeAsync()
    {
        _world = await DealsWorld.StartAsync(app => app.With("Hangfire:RunServer", "false"), withMembers: false);
        var response = await _world.Admin.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _text = await response.Content.ReadAsStringAsync();
        _document = JsonDocument.Parse(_text).RootElement.Clone();
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private IEnumerable<(string Key, JsonElement Operation)> Operations() =>
        _document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(o => ($"{o.Name.ToUpperInvariant()} {path.Name}", o.Value)));

    [Fact]
    public void The_document_is_openapi_3_1_and_lists_exactly_the_apps_api_endpoints()
    {
        Assert.StartsWith("3.1", _document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var app = _world.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            // The API's fallback (a 404 problem for any other address) is not an endpoint of the contract.
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} {Constraint().Replace(e.RoutePattern.RawText!, "}").TrimEnd('/')}"))
            .Order().ToList();
        var documented = Operations().Select(o => o.Key).Order().ToList();

        Assert.Equal(Endpoints.Keys.Order().ToList(), app);
        Assert.Equal(app, documented);
        // The pages are not part of the API's document.
        Assert.DoesNotContain(documented, d => !d.Contains(" /api/v1/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_endpoint_documents_every_status_it_answers_with_a_description()
    {
        foreach (var (key, operation) in Operations())
        {
            var responses = operation.GetProperty("responses");
            var documented = responses.EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
            Assert.True(Endpoints[key].Order().SequenceEqual(documented), $"{key}: documents {string.Join(",", documented)}, answers {string.Join(",", Endpoints[key].Order())}");
            foreach (var response in responses.EnumerateObject())
            {
                Assert.False(string.IsNullOrWhiteSpace(response.Value.GetProperty("description").GetString()), $"{key} {response.Name} has no description");
                if (response.Name is "200" or "201")
                {
                    Assert.True(response.Value.GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _), $"{key} {response.Name} has no schema");
                }
                else if (response.Name.StartsWith('4'))
                {
                    Assert.True(response.Value.TryGetProperty("content", out var content) && content.EnumerateObject().Any(c => c.Name.Contains("problem+json", StringComparison.Ordinal)),
                        $"{key} {response.Name} is not a problem details answer");
                }
            }
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{key} has no summary");
        }
    }

    [Fact]
    public void Every_schema_the_document_refers_to_is_in_it_with_its_fields()
    {
        var references = Regex.Matches(_text, "\"\\$ref\"\\s*:\\s*\"#/([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            var node = _document;
            foreach (var part in reference.Split('/'))
            {
                Assert.True(node.TryGetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out node), $"#/{reference} is missing");
            }
        }
        var schemas = _document.GetProperty("components").GetProperty("schemas");
        foreach (var (schema, field) in new[] { ("CompanyResource", "webDomain"), ("CompanyList", "next"), ("DealResource", "value"), ("MoneyAmount", "currency"),
                     ("FollowUpResource", "timeZone"), ("PresentationResource", "startsAt"), ("MeetingResource", "timeZone"), ("PersonDetail", "companyId"), ("LogContactRequest", "followUp"), ("HttpValidationProblemDetails", "errors") })
        {
            Assert.True(schemas.TryGetProperty(schema, out var found) && found.GetProperty("properties").TryGetProperty(field, out _), $"{schema}.{field} is missing");
        }
    }

    [Fact]
    public void Posts_take_an_idempotency_key_changes_need_if_match_requests_have_examples_and_the_bearer_scheme_is_declared()
    {
        foreach (var (key, operation) in Operations())
        {
            var headers = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header").ToDictionary(p => p.GetProperty("name").GetString()!, p => p)
                : [];
            Assert.Equal(key.StartsWith("POST", StringComparison.Ordinal), headers.ContainsKey("Idempotency-Key"));
            Assert.Equal(Endpoints[key].Contains(IfMatchRequired), headers.TryGetValue("If-Match", out var ifMatch) && ifMatch.GetProperty("required").GetBoolean());
        }
        var schemas = _document.GetProperty("components").GetProperty("schemas");
        foreach (var request in new[] { "CompanyRequest", "PersonRequest", "PersonMergeBody", "MeetingBody", "MeetingChangeBody", "OutcomeBody", "LogContactRequest", "PresentationRequestBody", "ScheduleBody", "DealBody", "MoveBody", "FollowUpBody" })
        {
            Assert.True(schemas.GetProperty(request).TryGetProperty("examples", out _), $"{request} has no example");
        }
        Assert.Equal("bearer", _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Contains("Idempotency-Key", _document.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_document_reads_without_errors_in_the_openapi_libraries_own_reader()
    {
        var result = Microsoft.OpenApi.Reader.OpenApiModelFactory.Parse(_text, "json", new Microsoft.OpenApi.Reader.OpenApiReaderSettings());

        Assert.Empty(result.Diagnostic?.Errors ?? []);
        Assert.Equal(Endpoints.Count, result.Document!.Paths.Values.Sum(p => p.Operations?.Count ?? 0));
    }

    [Fact]
    public async Task The_document_and_the_reference_page_are_for_signed_in_users()
    {
        var reference = await _world.Admin.GetAsync("/api/reference");
        if (reference.StatusCode == HttpStatusCode.Redirect)
        {
            reference = await _world.Admin.GetAsync(new Uri(reference.RequestMessage!.RequestUri!, reference.Headers.Location!));
        }
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("script-src 'self' 'unsafe-inline'", reference.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        // Every other page keeps the strict policy.
        Assert.Contains("script-src 'self';", (await _world.Admin.GetAsync("/settings/tokens")).Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var anonymous = await _world.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await _world.Anonymous.GetAsync("/api/reference")).StatusCode);
    }

    [GeneratedRegex(@":[^}]+\}")]
    private static partial Regex Constraint();
}
