using PyPyLeads.Deals;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Deals;

public static class DealsSetup
{
    /// <summary>Deals, the board and the dashboard: their settings (checked at start) and the figures service.</summary>
    public static IServiceCollection AddDeals(this IServiceCollection services)
    {
        services.AddSettings<ReportingOptions>(ReportingOptions.Section, o => o.Problems());
        services.AddSettings<DealOptions>(DealOptions.Section)
            .Validate(o => o.StaleAfterDays > 0 && o.BoardColumnLimit is > 0 and <= 500, "Deals:StaleAfterDays must be positive and Deals:BoardColumnLimit 1 to 500.");
        services.AddScoped<PipelineFigures>();
        services.AddSingleton<PipelineFiguresCache>();
        services.AddSingleton<BoardSumsCache>();
        return services;
    }
}
