using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Infrastructure;

public static class Authentication
{
    public const string AdminPolicy = "Admin";

    public static IServiceCollection AddSignIn(this IServiceCollection services)
    {
        services.AddIdentity<AppUser, IdentityRole>(options =>
            {
                options.Password.RequiredLength = PasswordRules.MinimumLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.User.RequireUniqueEmail = true;
                // No lockout (see below): new users get none, and AppSignInManager ignores one an older row may hold.
                options.Lockout.AllowedForNewUsers = false;
            })
            .AddEntityFrameworkStores<LeadsDbContext>()
            .AddDefaultTokenProviders()
            .AddSignInManager<AppSignInManager>()
            .AddClaimsPrincipalFactory<DisplayNameClaims>();
        services.AddSettings<SessionLimitOptions>(SessionLimitOptions.Section, o => o.Problems());

        // Guessing, of passwords and of second-step codes, is slowed by SignInThrottle, never by Identity's lockout
        // (sign-in passes lockoutOnFailure: false, and nothing counts failures on the user): a lockout let anyone lock
        // the owner out by typing wrong passwords, or, holding the password, wrong codes.
        services.AddSettings<SignInLimitOptions>(SignInLimitOptions.Section, o => o.Problems());
        services.AddScoped<SignInThrottle>();
        services.AddSingleton<DecoyPassword>();
        services.AddScoped<IPasswordValidator<AppUser>, CommonPasswordValidator>();

        // OWASP ASVS 5.0 asks for at least 210,000 PBKDF2-HMAC-SHA512 iterations; Identity's default is 100,000.
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = 210_000);

        // Cookies and security stamps run on real time, whatever the app clock says: browsers drop a cookie
        // whose expiry lies in the past, and the tour clock lives in 2011.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.TimeProvider = TimeProvider.System;
            o.OnRefreshingPrincipal = SignInSessions.KeepSession;
        });
        services.ConfigureApplicationCookie(options =>
        {
            options.TimeProvider = TimeProvider.System;
            options.LoginPath = "/account/signin";
            options.LogoutPath = "/account/signout";
            options.AccessDeniedPath = "/account/denied";
            options.Cookie.Name = "pypyleads";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromDays(14);
            // Server-side sessions (SignInSessions): started at sign-in, read on every request, ended at sign-out.
            options.Events.OnSigningIn = SignInSessions.SigningIn;
            options.Events.OnSigningOut = SignInSessions.SigningOut;
            options.Events.OnValidatePrincipal = async context =>
            {
                if (!await SignInSessions.ValidateAsync(context))
                {
                    return;
                }
                // Identity's validator is built (SignInManager, UserManager, their store) on every request just to find
                // that the stamp is not due; the same test, made first, leaves it to the requests where it is.
                var stamps = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
                if (context.Properties.IssuedUtc is not { } issued || (stamps.TimeProvider ?? TimeProvider.System).GetUtcNow() - issued > stamps.ValidationInterval)
                {
                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                }
            };
            options.Events.OnRedirectToAccessDenied = context =>
            {
                // A refusal is a 403 answer, not a redirect, and it is logged.
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(PyPyLeads.UseCases.SecurityLog.Category);
                logger.LogWarning("Refused {Method} {Path} to {User} from {ClientAddress}",
                    context.Request.Method, context.Request.Path.Value, context.HttpContext.User.Identity?.Name, ClientAddress.Of(context.HttpContext));
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        // After the cookie handler's own post-configuration, which creates the format this wraps.
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, RememberDecryptedCookies>();

        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin))
            // Every endpoint requires sign-in unless it says [AllowAnonymous].
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>
    /// The name to show for the signed-in user: the display name given at set-up or invitation, carried in the sign-in
    /// cookie so the layout reads it without a query on every page; a cookie issued before it was added shows the e-mail.
    /// </summary>
    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayNameClaims.ClaimType) ?? user.Identity?.Name ?? "";

    /// <summary>Puts <see cref="CachedTicketFormat"/> in front of the sign-in cookie's format.</summary>
    private sealed class RememberDecryptedCookies : IPostConfigureOptions<CookieAuthenticationOptions>
    {
        public void PostConfigure(string? name, CookieAuthenticationOptions options)
        {
            if (name == IdentityConstants.ApplicationScheme && options.TicketDataFormat is { } format and not CachedTicketFormat)
            {
                options.TicketDataFormat = new CachedTicketFormat(format, options.TimeProvider ?? TimeProvider.System);
            }
        }
    }
}

/// <summary>Adds the user's display name to the sign-in cookie's claims (re-read whenever Identity refreshes the cookie).</summary>
public sealed class DisplayNameClaims(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    public const string ClaimType = "pypyleads:display-name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimType, user.DisplayName));
        return identity;
    }
}
