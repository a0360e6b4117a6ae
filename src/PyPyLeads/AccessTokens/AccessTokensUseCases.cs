using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.AccessTokens;

public static class AccessTokensUseCases
{
    /// <summary>The use cases of personal access tokens, and the check of a presented one.</summary>
    public static IServiceCollection AddAccessTokensUseCases(this IServiceCollection services) => services
        .AddScoped<CreateAccessToken>()
        .AddScoped<RevokeAccessToken>()
        .AddScoped<AccessTokenCheck>();
}
