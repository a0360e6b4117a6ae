using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PyPyLeads.AccessTokens;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Features.Dashboard;
using PyPyLeads.Web.Features.Deals;
using PyPyLeads.Web.Features.FollowUps;
using PyPyLeads.Web.Features.Invite;
using PyPyLeads.Web.Features.LogContact;
using PyPyLeads.Web.Features.Meetings;
using PyPyLeads.Web.Features.People;
using PyPyLeads.Web.Features.Presentations;
using PyPyLeads.Web.Features.Team;
using PyPyLeads.Web.Infrastructure;
using Scalar.AspNetCore;

namespace PyPyLeads.Web.Features.Api;

/// <summary>
/// The JSON API's wiring in one place: bearer tokens as its only way in, its two policies (read, and read-write for
/// changes), a rate limit per token, the OpenAPI document and its reference page. Each feature maps its own endpoints
/// beside its controller (<c>CompaniesApi</c>, <c>DealsApi</c>...), calling the same use cases.
/// </summary>
public static class ApiSetup
{
    public const string Root = "/api/v1";
    public const string ReadPolicy = "api-read";
    public const string WritePolicy = "api-write";
    public const string RateLimit = "api";
    public const string DocumentName = "v1";

    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddSettings<ApiOptions>(ApiOptions.Section, o => o.Problems());
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AccessTokenAuthentication>(AccessTokenAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(AccessTokenAuthentication.SchemeName).RequireAuthenticatedUser())
            .AddPolicy(WritePolicy, p => p.AddAuthenticationSchemes(AccessTokenAuthentication.SchemeName).RequireAuthenticatedUser()
                .RequireClaim(AccessTokenAuthentication.ScopeClaim, nameof(AccessTokenScope.ReadWrite)));

        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<IOptions<ApiOptions>>((options, api) =>
        {
            var perMinute = api.Value.PermitsPerMinute;
            // Per token (its hash), else per client address: a client without a token is refused anyway, but not for free.
            options.AddPolicy(RateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? "token:" + AccessTokenSecrets.Hash(header) : "address:" + ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

        // Enums travel as their names ("Qualified", not 1); this is the API's serializer, the pages' is MVC's own.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddOpenApi(DocumentName, options =>
        {
            // Only the API: the pages' controllers are not part of it.
            options.ShouldInclude = d => d.RelativePath?.StartsWith(Root.TrimStart('/') + "/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer<ApiDocument>();
            options.AddOperationTransformer<ApiDocument>();
            options.AddSchemaTransformer<ApiDocument>();
        });
        return services;
    }

    public static void MapApi(this WebApplication app)
    {
        // The document and its reference page are for signed-in users (the fallback policy: the sign-in cookie).
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/reference", options => options.WithTitle("PyPyLeads API").WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts());

        var api = app.MapGroup(Root)
            .RequireAuthorization(ReadPolicy)
            .RequireRateLimiting(RateLimit)
            .WithMetadata(new ProblemResponse(StatusCodes.Status401Unauthorized))
            .WithMetadata(new ProblemResponse(StatusCodes.Status429TooManyRequests));
        api.MapCompaniesApi();
        api.MapPeopleApi();
        api.MapLogContactApi();
        api.MapPresentationsApi();
        api.MapMeetingsApi();
        api.MapDealsApi();
        api.MapFollowUpsApi();
        api.MapTourApi();
        api.MapDashboardApi();
        // Without a token: the public invitation, under the page's own limits.
        app.MapInviteApi();
        // Any other address under the API: a 404 problem for a client with a token, not the pages' sign-in redirect.
        api.MapFallback(context => ApiProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found",
            "There is no such address in the API (see /openapi/v1.json).")).ExcludeFromDescription();
    }

    /// <summary>A change: needs a read-write token, and answers 403 to a read-only one.</summary>
    public static RouteHandlerBuilder Writes(this RouteHandlerBuilder endpoint) => endpoint
        .RequireAuthorization(WritePolicy)
        .ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>A POST that takes an <c>Idempotency-Key</c> (documented by <see cref="ApiDocument"/>).</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new IdempotentMetadata())
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>A change to an existing record: needs <c>If-Match</c> (428 without, 412 when stale).</summary>
    public static RouteHandlerBuilder NeedsIfMatch(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new IfMatchMetadata())
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    public sealed class IdempotentMetadata;

    /// <summary>A problem details answer every endpoint of a group can give (no token, too many requests).</summary>
    public sealed class ProblemResponse(int statusCode) : IProducesResponseTypeMetadata
    {
        public Type? Type => typeof(ProblemDetails);
        public int StatusCode => statusCode;
        public IEnumerable<string> ContentTypes => [ApiDocument.ProblemJson];
        public string? Description => null;
    }

    public sealed class IfMatchMetadata;
}
