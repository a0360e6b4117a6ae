using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Leads;

public static class LeadsUseCases
{
    /// <summary>The use cases of lead assignment (their validators are registered with every other in the assembly).</summary>
    public static IServiceCollection AddLeadsUseCases(this IServiceCollection services) =>
        services.AddScoped<AssignLead>();
}
