using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Export;

/// <summary>
/// The full export, for admins: a zip of CSV files streamed to the browser as it is written; and the record of every
/// export (this one and the companies CSV), for admins.
/// </summary>
[Authorize(Policy = Authentication.AdminPolicy)]
[Route("export")]
public sealed class ExportController(LeadsDbContext db, TimeProvider clock) : Controller
{
    public const int ShownRecords = 200;

    [HttpGet("")]
    public async Task<IActionResult> Download([FromServices] ExportCompanies exportCompanies, CancellationToken cancellationToken)
    {
        var started = await exportCompanies.RunAsync(new ExportCompanies.Input(ExportKinds.Full, null, ClientAddress.Of(HttpContext)),
            await User.CallerAsync(db, cancellationToken), cancellationToken);
        if (started is not Done<ExportCompanies.Started> done)
        {
            return this.Refused(started);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var fileName = $"pypyleads-export-{now.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.zip";
        Response.ContentType = "application/zip";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        Response.Headers.CacheControl = "no-store";
        // Every row is written asynchronously, but a zip entry's stream ends its deflate block with a synchronous
        // write when it is disposed, even through DisposeAsync (.NET 10): a few small writes per export, allowed here only.
        HttpContext.Features.GetRequiredFeature<IHttpBodyControlFeature>().AllowSynchronousIO = true;
        long rows = 0;
        var complete = false;
        try
        {
            rows = await FullExport.WriteAsync(db, Response.Body, now, cancellationToken);
            complete = true;
        }
        finally
        {
            await exportCompanies.FinishAsync(done.Value.RecordId, rows, complete);
        }
        return new EmptyResult();
    }

    /// <summary>Who exported what, when, from where, and how many rows: the newest first.</summary>
    [HttpGet("log")]
    public async Task<IActionResult> Log(CancellationToken cancellationToken)
    {
        var zone = (await User.CallerAsync(db, cancellationToken)).TimeZoneId;
        var records = await db.ExportRecords.AsNoTracking().OrderByDescending(r => r.AtUtc).ThenByDescending(r => r.Id).Take(ShownRecords)
            .ToListAsync(cancellationToken);
        return View(new ExportLogPage(records.Select(r => new ExportLogRow(r.UserName, PyPyLeads.FollowUps.ReminderMail.FormatTime(r.AtUtc, zone), r.Kind,
            r.Filter, r.Rows, r.Complete, r.ClientAddress)).ToList()));
    }
}

public sealed record ExportLogPage(IReadOnlyList<ExportLogRow> Rows);

public sealed record ExportLogRow(string User, string At, string Kind, string? Filter, long Rows, bool Complete, string? ClientAddress);
