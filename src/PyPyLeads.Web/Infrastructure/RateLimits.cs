using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PyPyLeads.Web.Infrastructure;

public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string PublicForm = "public-form";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("SignIn:PermitsPerMinute", 10);
        var publicPerHour = configuration.GetValue("PublicForm:PermitsPerHour", 5);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // The public invitation page: a company sends one request, maybe a correction; more is abuse.
            options.AddPolicy(PublicForm, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = publicPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
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
