using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.FollowUps;

public static class FollowUpsUseCases
{
    /// <summary>The use cases of follow-ups (their validators are registered with every other in the assembly).</summary>
    public static IServiceCollection AddFollowUpsUseCases(this IServiceCollection services) => services
        .AddScoped<FollowUpChanges>()
        .AddScoped<ScheduleFollowUp>()
        .AddScoped<EditFollowUp>()
        .AddScoped<CompleteFollowUp>()
        .AddScoped<CancelFollowUp>()
        .AddScoped<SnoozeFollowUp>()
        .AddScoped<RetryFollowUpDelivery>();
}
