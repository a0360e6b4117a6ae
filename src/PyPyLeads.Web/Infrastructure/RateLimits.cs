using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PyPyLeads.Web.Infrastructure;

public static class RateLimits
{
    public const string SignIn = "sign-in";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("SignIn:PermitsPerMinute", 10);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = (context, _) =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PyPyLeads.Security");
                logger.LogWarning("Rate limit hit on {Path} from {ClientAddress}", context.HttpContext.Request.Path.Value, ClientAddress.Of(context.HttpContext));
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }
}
