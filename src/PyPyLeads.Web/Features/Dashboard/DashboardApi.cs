using PyPyLeads.Deals;
using PyPyLeads.Web.Features.Deals;

namespace PyPyLeads.Web.Features.Dashboard;

/// <summary>One consultancy's pipeline (or both together), in the reporting currency.</summary>
public sealed record PipelineResource(string Name, int OpenCount, MoneyAmount Open, MoneyAmount Weighted, int WonCount, MoneyAmount Won, int LostCount, MoneyAmount Lost)
{
    public static PipelineResource Of(PipelineTotals t, string currency) => new(t.Name, t.OpenCount, MoneyAmount.Of(t.Open, currency)!,
        MoneyAmount.Of(t.Weighted, currency)!, t.WonCount, MoneyAmount.Of(t.Won, currency)!, t.LostCount, MoneyAmount.Of(t.Lost, currency)!);
}

/// <summary>The dashboard's figures: the pipeline per consultancy and together, and how it stands against the Eurostars end.</summary>
public sealed record DashboardResource(string ReportingCurrency, IReadOnlyList<PipelineResource> ByConsultancy, PipelineResource Together,
    DateOnly EurostarsEndsOn, int DaysLeft, MoneyAmount WeightedByEnd, int AfterEndCount, MoneyAmount WeightedAfterEnd, int StaleCount, int UnassignedLeads);

public static class DashboardApi
{
    public static void MapDashboardApi(this RouteGroupBuilder api) =>
        api.MapGet("/dashboard", async (PipelineFigures figures, CancellationToken cancellationToken) =>
            {
                var f = await figures.ComputeAsync(cancellationToken);
                var currency = f.ReportingCurrency;
                return TypedResults.Ok(new DashboardResource(currency, f.ByConsultancy.Select(c => PipelineResource.Of(c, currency)).ToList(),
                    PipelineResource.Of(f.Together, currency), f.EurostarsEndsOn, f.DaysLeft, MoneyAmount.Of(f.WeightedByEnd, currency)!, f.AfterEndCount,
                    MoneyAmount.Of(f.WeightedAfterEnd, currency)!, f.StaleCount, f.UnassignedLeads));
            })
            .WithTags("Dashboard").WithName("Dashboard").WithSummary("The pipeline figures the dashboard shows, in the reporting currency")
            .Produces<DashboardResource>();
}
