using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using PyPyLeads.Data;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Export;

/// <summary>The full export, for admins: a zip of CSV files streamed to the browser as it is written.</summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("export")]
public sealed class ExportController(LeadsDbContext db, TimeProvider clock, ILogger<ExportController> logger) : Controller
{
    [HttpGet("")]
    public async Task Download(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var fileName = $"pypyleads-export-{now.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.zip";
        logger.LogInformation("{User} is downloading the full export", User.Identity?.Name);
        Response.ContentType = "application/zip";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        Response.Headers.CacheControl = "no-store";
        // Every row is written asynchronously, but a zip entry's stream ends its deflate block with a synchronous
        // write when it is disposed, even through DisposeAsync (.NET 10): a few small writes per export, allowed here only.
        HttpContext.Features.GetRequiredFeature<IHttpBodyControlFeature>().AllowSynchronousIO = true;
        await FullExport.WriteAsync(db, Response.Body, now, cancellationToken);
    }
}
