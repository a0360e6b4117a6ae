using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Deals;

public static class DealsUseCases
{
    /// <summary>The use cases of deals (their validators are registered with every other in the assembly).</summary>
    public static IServiceCollection AddDealsUseCases(this IServiceCollection services) =>
        services.AddScoped<OpenDeal>().AddScoped<EditDeal>().AddScoped<MoveDeal>();
}
