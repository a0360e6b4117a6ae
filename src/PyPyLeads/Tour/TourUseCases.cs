using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Tour;

public static class TourUseCases
{
    /// <summary>The use cases of the team on tour: stays (who is where) and who attends which tour stop.</summary>
    public static IServiceCollection AddTourUseCases(this IServiceCollection services) => services
        .AddScoped<AddTeamStay>()
        .AddScoped<EditTeamStay>()
        .AddScoped<DeleteTeamStay>()
        .AddScoped<ChooseTourStopAttendees>();
}
