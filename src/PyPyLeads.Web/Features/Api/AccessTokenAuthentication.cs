using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PyPyLeads.AccessTokens;

namespace PyPyLeads.Web.Features.Api;

/// <summary>
/// The API's one way in: <c>Authorization: Bearer pypl_...</c>, a personal access token checked against the database on
/// every request (<see cref="AccessTokenCheck"/>). The principal it makes is the token's user, with their role as
/// it stands now, so the use cases build the same <c>Caller</c> as for the pages; the token's scope is one more claim,
/// which the write policy asks for. Cookies never authenticate an API call (the API policies name this scheme only),
/// so a page in someone's browser cannot be made to write through the API.
/// </summary>
public sealed class AccessTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "AccessToken";
    public const string ScopeClaim = "pypyleads:token-scope";
    public const string TokenIdClaim = "pypyleads:token-id";

    private const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var holder = await Context.RequestServices.GetRequiredService<AccessTokenCheck>().HolderAsync(header[Prefix.Length..].Trim(), Context.RequestAborted);
        if (holder is null)
        {
            Context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(PyPyLeads.UseCases.SecurityLog.Category)
                .LogWarning("Refused an unknown, expired or revoked access token on {Method} {Path} from {ClientAddress}",
                    Request.Method, Request.Path.Value, Infrastructure.ClientAddress.Of(Context));
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");
        }
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, holder.UserId),
            new(ClaimTypes.Name, holder.Email),
            new(Infrastructure.DisplayNameClaims.ClaimType, holder.DisplayName),
            new(ScopeClaim, holder.Scope.ToString()),
            new(TokenIdClaim, holder.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (holder.IsAdmin)
        {
            claims.Add(new(ClaimTypes.Role, PyPyLeads.Users.Roles.Admin));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is null
            ? "Bearer realm=\"PyPyLeads API\""
            : "Bearer realm=\"PyPyLeads API\", error=\"invalid_token\"";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Not signed in",
            result.Failure is null
                ? "Send a personal access token (Settings, API tokens) as \"Authorization: Bearer <token>\"."
                : "The token is unknown, expired or revoked: make a new one in Settings, API tokens.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var readOnly = Context.User.FindFirstValue(ScopeClaim) == nameof(AccessTokenScope.ReadOnly);
        Context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(PyPyLeads.UseCases.SecurityLog.Category)
            .LogWarning("Refused {Method} {Path} to {User} (token {TokenId}) from {ClientAddress}",
                Request.Method, Request.Path.Value, Context.User.Identity?.Name, Context.User.FindFirstValue(TokenIdClaim), Infrastructure.ClientAddress.Of(Context));
        return ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Not allowed",
            readOnly ? "This token is read-only: make a read-write token to change anything." : "Only admins may do this.");
    }
}
