using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Schedule;

public static class ScheduleUseCases
{
    /// <summary>
    /// The use cases of presentation requests, meetings and calendar feeds, and the status change they share (their
    /// validators are registered with every other in the assembly).
    /// </summary>
    public static IServiceCollection AddScheduleUseCases(this IServiceCollection services) =>
        services.AddScoped<StatusChange>()
            .AddScoped<RequestPresentation>()
            .AddScoped<EditPresentationRequest>()
            .AddScoped<SchedulePresentation>()
            .AddScoped<DeliverPresentation>()
            .AddScoped<ClosePresentation>()
            .AddScoped<ScheduleMeeting>()
            .AddScoped<RescheduleMeeting>()
            .AddScoped<CloseMeeting>()
            .AddScoped<CreateCalendarFeed>()
            .AddScoped<RevokeCalendarFeed>();
}
