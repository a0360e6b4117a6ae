using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Time;

namespace PyPyLeads.Deals;

/// <summary>Totals for one consultancy (or both together), in the reporting currency; exact, unrounded.</summary>
public sealed record PipelineTotals(string Name, int OpenCount, decimal Open, decimal Weighted, int WonCount, decimal Won, int LostCount, decimal Lost)
{
    public static PipelineTotals Sum(string name, IEnumerable<PipelineTotals> rows)
    {
        var list = rows.ToList();
        return new PipelineTotals(name, list.Sum(r => r.OpenCount), list.Sum(r => r.Open), list.Sum(r => r.Weighted),
            list.Sum(r => r.WonCount), list.Sum(r => r.Won), list.Sum(r => r.LostCount), list.Sum(r => r.Lost));
    }
}

/// <summary>Weighted open pipeline expected to close in one month (or before/after the chart's range).</summary>
public sealed record ChartMonth(string Label, DateOnly? Month, IReadOnlyDictionary<int, decimal> WeightedByConsultancy, bool AfterEnd, bool ContainsEnd)
{
    public decimal Total => WeightedByConsultancy.Values.Sum();
}

public sealed record DealLine(int Id, string Company, string? Title, int ConsultancyId, DealKind Kind, DealStage Stage, long? ValueMinor, string Currency,
    int Probability, DateOnly ExpectedCloseOn, string Owner, DateTime LastActivityAtUtc);

public sealed record DashboardFigures(
    string ReportingCurrency,
    IReadOnlyList<(int Id, string Name)> Consultancies,
    IReadOnlyList<PipelineTotals> ByConsultancy,
    PipelineTotals Together,
    IReadOnlyList<(string Currency, int Count)> Unconverted,
    int DaysLeft,
    DateOnly EurostarsEndsOn,
    decimal WeightedByEnd,
    int AfterEndCount,
    decimal WeightedAfterEnd,
    IReadOnlyList<DealLine> AfterEnd,
    int StaleAfterDays,
    int StaleCount,
    IReadOnlyList<DealLine> Stale,
    IReadOnlyList<ChartMonth> Chart,
    int UnassignedLeads);

/// <summary>
/// The dashboard's numbers. The database sums whole minor units per (consultancy, stage, currency) and per
/// (close day, consultancy, currency), which is exact on SQLite and SQL Server alike; conversion and weighting
/// happen here in decimal over those few grouped rows.
/// </summary>
public sealed class PipelineFigures(LeadsDbContext db, IOptions<ReportingOptions> reporting, IOptions<DealOptions> dealOptions,
    EurostarsCalendar eurostars, IOptions<EurostarsOptions> eurostarsOptions, TimeProvider clock, PipelineFiguresCache cache,
    IServiceScopeFactory scopes, ILogger<PipelineFigures> logger)
{
    public const int ListLimit = 10;
    private const int MonthsAfterEnd = 3;

    private readonly ReportingOptions _reporting = reporting.Value;

    /// <summary>How old, by the app clock, the figures served while this minute's are computed may be.</summary>
    public static readonly TimeSpan ServedWhileRefreshing = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The figures, computed afresh when the pipeline's data changed (<see cref="ChangeStamp.Pipeline"/>, written in the
    /// same transaction as any change, by any app instance) or the app clock entered another minute (stale deals and days
    /// left move with time); otherwise what this instance computed last. The grouped sums and the stale-deal search read
    /// every open deal: tens of milliseconds per home page, for figures that rarely change between two page loads.
    /// </summary>
    public async Task<DashboardFigures> ComputeAsync(CancellationToken cancellationToken = default)
    {
        var stamp = await ChangeStamp.ReadAsync(db, ChangeStamp.Pipeline, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var minute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var key = (stamp, minute);
        if (cache.TryGet(key, out var figures))
        {
            return figures;
        }
        // Only the clock moved on (same data, same day, a few minutes): the last figures are served at once while one
        // background run computes this minute's. Every home page used to wait for that run (a few hundred milliseconds
        // with 100,000 deals) at each turn of the minute. A change of the data is never served late: its author waits.
        if (cache.TryGetLast(out var lastKey, out var last) && lastKey.Stamp == stamp && lastKey.Minute < minute
            && minute - lastKey.Minute <= ServedWhileRefreshing && last.DaysLeft == eurostars.DaysLeft())
        {
            cache.StartRefresh(key, ComputeInOwnScopeAsync)?.ContinueWith(
                t => logger.LogError(t.Exception, "Dashboard figures: the background refresh failed; the next home page tries again"),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return last;
        }
        // Computed by one request; the others that come meanwhile wait for its result (so not cancelled with that one).
        return await cache.GetOrComputeAsync(key, () => ComputeFreshAsync(CancellationToken.None), cancellationToken);
    }

    /// <summary>A background refresh outlives the request that started it, and so its context: it takes its own.</summary>
    private async Task<DashboardFigures> ComputeInOwnScopeAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PipelineFigures>().ComputeFreshAsync(CancellationToken.None);
    }

    private async Task<DashboardFigures> ComputeFreshAsync(CancellationToken cancellationToken)
    {
        var consultancies = (await db.Consultancies.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken))
            .Select(c => (c.Id, c.Name)).ToList();

        var groups = await db.Deals.AsNoTracking()
            .GroupBy(d => new { d.ConsultancyId, d.Stage, d.Currency })
            .Select(g => new
            {
                g.Key.ConsultancyId, g.Key.Stage, g.Key.Currency, Count = g.Count(),
                ValueMinor = g.Sum(d => d.ValueMinor ?? 0),
                ValueTimesProbability = g.Sum(d => (d.ValueMinor ?? 0) * d.Probability),
            })
            .ToListAsync(cancellationToken);

        var unconverted = groups.Where(g => _reporting.RateOf(g.Currency) is null)
            .GroupBy(g => g.Currency).Select(g => (g.Key, g.Sum(x => x.Count))).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();
        var rows = consultancies.Select(c =>
        {
            var mine = groups.Where(g => g.ConsultancyId == c.Id && _reporting.RateOf(g.Currency) is not null).ToList();
            var open = mine.Where(g => g.Stage.IsOpen()).ToList();
            var won = mine.Where(g => g.Stage == DealStage.Won).ToList();
            var lost = mine.Where(g => g.Stage == DealStage.Lost).ToList();
            return new PipelineTotals(c.Name,
                open.Sum(g => g.Count), open.Sum(g => Convert(g.ValueMinor, g.Currency)), open.Sum(g => Convert(g.ValueTimesProbability, g.Currency) / 100m),
                won.Sum(g => g.Count), won.Sum(g => Convert(g.ValueMinor, g.Currency)),
                lost.Sum(g => g.Count), lost.Sum(g => Convert(g.ValueMinor, g.Currency)));
        }).ToList();

        var byDay = await db.Deals.AsNoTracking().OpenOnly()
            .GroupBy(d => new { d.ExpectedCloseOn, d.ConsultancyId, d.Currency })
            .Select(g => new { g.Key.ExpectedCloseOn, g.Key.ConsultancyId, g.Key.Currency, Count = g.Count(), ValueTimesProbability = g.Sum(d => (d.ValueMinor ?? 0) * d.Probability) })
            .ToListAsync(cancellationToken);
        var endsOn = eurostars.EndsOn;
        var converted = byDay.Where(g => _reporting.RateOf(g.Currency) is not null)
            .Select(g => (g.ExpectedCloseOn, g.ConsultancyId, g.Count, Weighted: Convert(g.ValueTimesProbability, g.Currency) / 100m)).ToList();

        var now = clock.GetUtcNow().UtcDateTime;
        var staleAfterDays = dealOptions.Value.StaleAfterDays;
        var cutoff = now.AddDays(-staleAfterDays);
        var stale = db.Deals.AsNoTracking().StaleSince(db.Timeline, cutoff);
        var afterEnd = db.Deals.AsNoTracking().ClosingAfter(endsOn);

        return new DashboardFigures(
            _reporting.Currency.ToUpperInvariant(),
            consultancies,
            rows,
            PipelineTotals.Sum("Together", rows),
            unconverted,
            eurostars.DaysLeft(),
            endsOn,
            converted.Where(g => g.ExpectedCloseOn <= endsOn).Sum(g => g.Weighted),
            byDay.Where(g => g.ExpectedCloseOn > endsOn).Sum(g => g.Count),
            converted.Where(g => g.ExpectedCloseOn > endsOn).Sum(g => g.Weighted),
            await Lines(afterEnd.OrderBy(d => d.ExpectedCloseOn).ThenBy(d => d.Id), cancellationToken),
            staleAfterDays,
            await stale.CountAsync(cancellationToken),
            await Lines(stale.OrderBy(d => d.LastActivityAtUtc).ThenBy(d => d.Id), cancellationToken),
            Chart(converted.Select(g => (g.ExpectedCloseOn, g.ConsultancyId, g.Weighted)), consultancies.Select(c => c.Id).ToList(), endsOn),
            await db.Companies.CountAsync(c => c.ConsultancyId == null && c.DeletedAtUtc == null, cancellationToken));
    }

    /// <summary>Minor units of a currency to major units of the reporting currency, exactly.</summary>
    public decimal Convert(long minor, string currency) => Money.FromMinor(minor, currency) * (_reporting.RateOf(currency) ?? 0m);

    private Task<List<DealLine>> Lines(IQueryable<Deal> deals, CancellationToken cancellationToken) =>
        deals.Take(ListLimit).Select(d => new DealLine(d.Id, d.Company!.Name, d.Title, d.ConsultancyId, d.Kind, d.Stage, d.ValueMinor, d.Currency,
            d.Probability, d.ExpectedCloseOn, d.Owner!.DisplayName, d.LastActivityAtUtc)).ToListAsync(cancellationToken);

    /// <summary>
    /// One bar per month from this month to three months past the Eurostars end, plus "earlier" (overdue) and
    /// "later" bars when they hold anything.
    /// </summary>
    private List<ChartMonth> Chart(IEnumerable<(DateOnly Day, int ConsultancyId, decimal Weighted)> days, IReadOnlyList<int> consultancyIds, DateOnly endsOn)
    {
        var today = Zones.Today(clock, eurostarsOptions.Value.TimeZone);
        var first = new DateOnly(today.Year, today.Month, 1);
        var endMonth = new DateOnly(endsOn.Year, endsOn.Month, 1);
        var last = (endMonth > first ? endMonth : first).AddMonths(MonthsAfterEnd);
        var afterLast = last.AddMonths(1);

        var buckets = new SortedDictionary<DateOnly, Dictionary<int, decimal>>();
        var earlier = consultancyIds.ToDictionary(id => id, _ => 0m);
        var later = consultancyIds.ToDictionary(id => id, _ => 0m);
        for (var m = first; m <= last; m = m.AddMonths(1))
        {
            buckets[m] = consultancyIds.ToDictionary(id => id, _ => 0m);
        }
        foreach (var (day, consultancyId, weighted) in days)
        {
            var target = day < first ? earlier : day >= afterLast ? later : buckets[new DateOnly(day.Year, day.Month, 1)];
            target[consultancyId] = target.GetValueOrDefault(consultancyId) + weighted;
        }

        var months = new List<ChartMonth>();
        if (earlier.Values.Any(v => v != 0))
        {
            months.Add(new ChartMonth("Overdue", null, earlier, AfterEnd: false, ContainsEnd: false));
        }
        foreach (var (month, values) in buckets)
        {
            var label = month.ToString(month.Month == 1 || month == first ? "MMM yyyy" : "MMM", CultureInfo.InvariantCulture);
            months.Add(new ChartMonth(label, month, values, AfterEnd: month > endsOn, ContainsEnd: month.Year == endsOn.Year && month.Month == endsOn.Month));
        }
        if (later.Values.Any(v => v != 0))
        {
            months.Add(new ChartMonth("Later", null, later, AfterEnd: true, ContainsEnd: false));
        }
        return months;
    }
}

/// <summary>The last dashboard figures this app instance computed, with the stamp and minute they hold for (a singleton).</summary>
public sealed class PipelineFiguresCache : LastValueCache<(long Stamp, DateTime Minute), DashboardFigures>;
