using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using PyPyLeads.Deals;

namespace PyPyLeads.Web.Features.Dashboard;

/// <summary>The pipeline against the Eurostars end: the home page's main panel.</summary>
public sealed class DashboardViewComponent(PipelineFigures figures, PyPyLeads.Data.LeadsDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var data = await figures.ComputeAsync(HttpContext.RequestAborted);
        var viewer = await PyPyLeads.Web.Features.Deals.Viewer.LoadAsync(db, HttpContext.User, HttpContext.RequestAborted);
        return View("~/Features/Dashboard/Dashboard.cshtml", new DashboardModel(data, ChartGeometry.Of(data), viewer));
    }
}

public sealed record DashboardModel(DashboardFigures Figures, ChartGeometry Chart, PyPyLeads.Web.Features.Deals.Viewer Viewer);

public sealed record ChartBar(string X, string Y, string Width, string Height, string CssClass, string Title);

public sealed record ChartLabel(string X, string Y, string Text, bool AfterEnd);

/// <summary>
/// Geometry of the weighted-pipeline chart, computed here so the view only writes SVG elements with classes
/// (the content security policy allows no inline styles). Numbers are formatted invariantly for SVG.
/// </summary>
public sealed record ChartGeometry(string ViewBox, IReadOnlyList<ChartBar> Bars, IReadOnlyList<ChartLabel> Labels, string? EndLineX, string AxisY,
    string Width, string MaxLabel, bool Empty)
{
    private const int Slot = 44;
    private const int BarWidth = 30;
    private const int Top = 26;
    private const int PlotHeight = 150;
    private const int Bottom = 22;
    private const int Side = 6;

    public static ChartGeometry Of(DashboardFigures f)
    {
        var months = f.Chart;
        var width = Side * 2 + Math.Max(1, months.Count) * Slot;
        var max = months.Count == 0 ? 0m : months.Max(m => m.Total);
        var bars = new List<ChartBar>();
        var labels = new List<ChartLabel>();
        string? endLineX = null;
        for (var i = 0; i < months.Count; i++)
        {
            var month = months[i];
            var x = Side + i * Slot + (Slot - BarWidth) / 2.0;
            var y = (double)(Top + PlotHeight);
            foreach (var (id, name) in f.Consultancies)
            {
                var value = month.WeightedByConsultancy.GetValueOrDefault(id);
                if (value <= 0 || max <= 0)
                {
                    continue;
                }
                var h = (double)(value / max) * PlotHeight;
                y -= h;
                bars.Add(new ChartBar(N(x), N(y), N(BarWidth), N(h),
                    PyPyLeads.Web.Features.Deals.Show.ConsultancyClass(id) + (month.AfterEnd ? " after-end" : ""),
                    $"{month.Label}, {name}: {Money.Format(value, f.ReportingCurrency)} weighted"));
            }
            labels.Add(new ChartLabel(N(Side + i * Slot + Slot / 2.0), N(Top + PlotHeight + 15), month.Label, month.AfterEnd));
            if (month.ContainsEnd && month.Month is { } start)
            {
                // The project ends at the end of its last day: the line sits that far into the month's slot.
                var fraction = (double)f.EurostarsEndsOn.Day / DateTime.DaysInMonth(start.Year, start.Month);
                endLineX = N(Side + i * Slot + fraction * Slot);
            }
        }
        return new ChartGeometry($"0 0 {width} {Top + PlotHeight + Bottom}", bars, labels, endLineX, N(Top + PlotHeight), N(width),
            Money.Format(max, f.ReportingCurrency), max <= 0);
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
