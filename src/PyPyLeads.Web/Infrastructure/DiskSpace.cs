using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Web.Features.Errors;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>How much room is left where a folder lives. The app reads the disk (<see cref="DriveFreeSpace"/>); a test may say otherwise.</summary>
public interface IFreeSpace
{
    long FreeBytes(string folder);
}

/// <summary>The free space the file system offers this process (quotas and reserved blocks counted) where the folder lives.</summary>
public sealed class DriveFreeSpace : IFreeSpace
{
    public long FreeBytes(string folder) => new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
}

/// <summary>
/// Watching the data folder's disk: <c>/health</c> reports it degraded below <see cref="DataOptions.MinFreeMegabytes"/>,
/// backups that would eat into that reserve are not started, and a write the database refuses for want of room
/// answers with a page that says so (<see cref="StorageFullFilter"/>) instead of an error.
/// </summary>
public static class DiskSpace
{
    public static IServiceCollection AddDiskWatch(this IServiceCollection services)
    {
        services.AddSettings<DataOptions>(DataOptions.Section, o => o.Problems());
        services.AddSingleton<IFreeSpace, DriveFreeSpace>();
        services.AddHealthChecks().AddCheck<DiskSpaceHealthCheck>("disk");
        return services;
    }

    public static long Megabytes(long bytes) => bytes / (1024 * 1024);
}

/// <summary>/health's "disk" entry: degraded while the data folder's disk has less free than the reserve.</summary>
public sealed class DiskSpaceHealthCheck(DataFolder data, IFreeSpace freeSpace, IOptions<DataOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var free = freeSpace.FreeBytes(data.Path);
        var reserve = options.Value.MinFreeMegabytes;
        var report = new Dictionary<string, object> { ["freeMegabytes"] = DiskSpace.Megabytes(free), ["minFreeMegabytes"] = reserve };
        return Task.FromResult(DiskSpace.Megabytes(free) < reserve
            ? HealthCheckResult.Degraded($"Only {DiskSpace.Megabytes(free)} MB free for the data folder, below the {reserve} MB kept free " +
                "(Data:MinFreeMegabytes): backups are not taken, and writes fail once the disk is full.", data: report)
            : HealthCheckResult.Healthy($"{DiskSpace.Megabytes(free)} MB free for the data folder.", report));
    }
}

/// <summary>
/// A write the database refused for want of room (<see cref="DbErrors.IsStorageFull"/>): its transaction rolled
/// back whole and everything committed before stays, so the person is told that nothing was saved and why, with a
/// 503 (try again later), never the generic error page. The log says it loudly for the administrator.
/// </summary>
public sealed class StorageFullFilter(ILogger<StorageFullFilter> logger) : IExceptionFilter
{
    public const string Title = "The database is full";

    public const string Text = "Nothing was saved: the server has run out of room for data. Everything saved before is safe. " +
        "Go back (what you typed is still in the form) and try again later; the administrator has been told.";

    public void OnException(ExceptionContext context)
    {
        if (!DbErrors.IsStorageFull(context.Exception))
        {
            return;
        }
        logger.LogCritical(context.Exception, "A write to {Path} was refused: the database or its disk is full. Free space, or raise the database's limit", context.HttpContext.Request.Path);
        context.Result = new ViewResult
        {
            ViewName = "~/Features/Errors/Error.cshtml",
            StatusCode = StatusCodes.Status503ServiceUnavailable,
            ViewData = new Microsoft.AspNetCore.Mvc.ViewFeatures.ViewDataDictionary(
                new Microsoft.AspNetCore.Mvc.ModelBinding.EmptyModelMetadataProvider(), context.ModelState)
            {
                Model = new ErrorPage(StatusCodes.Status503ServiceUnavailable, Title, Text),
            },
        };
        context.HttpContext.Response.Headers.RetryAfter = "300";
        context.ExceptionHandled = true;
    }
}
