using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PyPyLeads.Users;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.TwoFactor;

/// <summary>
/// Two-factor sign-in's wiring: the <c>TwoFactor</c> settings, the replay-proof authenticator in place of Identity's,
/// and the gate that keeps a user who must have two-factor sign-in, and has not passed it, on the enrolment page.
/// </summary>
public static class TwoFactorSetup
{
    /// <summary>The claim Identity adds to a sign-in made with a second factor ("amr" = "mfa"); a password alone gives "pwd".</summary>
    public const string MethodClaim = "amr";
    public const string SecondFactor = "mfa";

    public static IServiceCollection AddTwoFactor(this IServiceCollection services, IHostEnvironment environment)
    {
        var deployment = PublicSite.IsDeployment(environment);
        services.AddSettings<TwoFactorOptions>(TwoFactorOptions.Section, o => o.Problems());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TwoFactorOptions>>().Value;
            return new TwoFactorPolicy(options.AdminsMustEnrol(deployment), options.RequiredForMembers, options.AllowedDriftSteps);
        });
        services.AddSingleton(new AuthenticatorClock(TimeProvider.System));

        // Under Identity's own name for the authenticator, so no part of Identity can reach the provider that accepts replays.
        services.AddScoped<ReplayProofAuthenticator>();
        services.PostConfigure<IdentityOptions>(o =>
            o.Tokens.ProviderMap[TokenOptions.DefaultAuthenticatorProvider] = new TokenProviderDescriptor(typeof(ReplayProofAuthenticator)));

        // Identity rebuilds the principal when it re-checks the security stamp (every 30 minutes) and drops how the
        // user signed in; without the second factor's mark, someone who passed it would be sent to enrol again.
        services.PostConfigure<SecurityStampValidatorOptions>(o =>
        {
            var earlier = o.OnRefreshingPrincipal;
            o.OnRefreshingPrincipal = async context =>
            {
                if (earlier is not null)
                {
                    await earlier(context);
                }
                if (context.NewPrincipal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == MethodClaim)
                    && context.CurrentPrincipal?.FindFirst(MethodClaim) is { } method)
                {
                    identity.AddClaim(new Claim(MethodClaim, method.Value));
                }
            };
        });
        return services;
    }

    /// <summary>Whether this sign-in passed a second factor.</summary>
    public static bool PassedSecondFactor(this ClaimsPrincipal user) => user.HasClaim(MethodClaim, SecondFactor);

    /// <summary>
    /// After sign-in, before anything else: a user who must have two-factor sign-in (<see cref="TwoFactorPolicy"/>) and
    /// signed in without it (never enrolled, or signed in before it was required) reaches only the enrolment pages,
    /// sign-out and what visitors may see; everything else sends them to enrol.
    /// </summary>
    public static IApplicationBuilder UseTwoFactorEnrolment(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<TwoFactorPolicy>();
        var signOut = app.ApplicationServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).LogoutPath;
        return app.Use((context, next) =>
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated != true || user.PassedSecondFactor() || !policy.Requires(user.IsInRole(Roles.Admin))
                || context.GetEndpoint() is not { } endpoint
                || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                || endpoint.Metadata.GetMetadata<BeforeTwoFactorAttribute>() is not null
                || context.Request.Path.Equals(signOut, StringComparison.OrdinalIgnoreCase))
            {
                return next(context);
            }
            context.Response.Redirect("/account/two-factor/enrol");
            return Task.CompletedTask;
        });
    }
}

/// <summary>An action a user who must enrol in two-factor sign-in may reach before enrolling (see <see cref="TwoFactorSetup.UseTwoFactorEnrolment"/>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class BeforeTwoFactorAttribute : Attribute;
