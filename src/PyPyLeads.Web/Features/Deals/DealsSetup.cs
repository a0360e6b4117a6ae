using Microsoft.Extensions.Options;
using PyPyLeads.Deals;

namespace PyPyLeads.Web.Features.Deals;

public static class DealsSetup
{
    /// <summary>Deals, the board and the dashboard: their settings (checked at start) and the figures service.</summary>
    public static IServiceCollection AddDeals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportingOptions>().Bind(configuration.GetSection(ReportingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportingOptions>, ReportingOptionsValidator>();
        services.AddOptions<DealOptions>().Bind(configuration.GetSection(DealOptions.Section))
            .Validate(o => o.StaleAfterDays > 0 && o.BoardColumnLimit is > 0 and <= 500, "Deals:StaleAfterDays must be positive and Deals:BoardColumnLimit 1 to 500.")
            .ValidateOnStart();
        services.AddScoped<PipelineFigures>();
        services.AddSingleton<PipelineFiguresCache>();
        services.AddSingleton<BoardSumsCache>();
        return services;
    }

    private sealed class ReportingOptionsValidator : IValidateOptions<ReportingOptions>
    {
        public ValidateOptionsResult Validate(string? name, ReportingOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
