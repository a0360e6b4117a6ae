using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PyPyLeads.Users;

namespace PyPyLeads.Web.Infrastructure;

public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string PublicForm = "public-form";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddSettings<PublicFormOptions>(PublicFormOptions.Section, o => o.Problems());
        services.AddRateLimiter(_ => { });
        // The policies are built once the settings are bound and checked.
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInLimitOptions>, IOptions<PublicFormOptions>>((options, signIn, publicForm) =>
        {
            var perMinute = signIn.Value.PermitsPerMinute;
            var publicPerHour = publicForm.Value.PermitsPerHour;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A flood guard per instance, in memory: it keeps password hashing from being used to load the server. The
            // growing waits after failed sign-ins are SignInThrottle's, in the database.
            options.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // The public invitation page: a company sends one request, maybe a correction; more is abuse.
            options.AddPolicy(PublicForm, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = publicPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
            options.OnRejected = (context, _) =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(PyPyLeads.UseCases.SecurityLog.Category);
                logger.LogWarning("Rate limit hit on {Path} from {ClientAddress}", context.HttpContext.Request.Path.Value, ClientAddress.Of(context.HttpContext));
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }
}
