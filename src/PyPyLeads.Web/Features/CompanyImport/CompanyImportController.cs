using System.Text;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Web.Features.Companies;

namespace PyPyLeads.Web.Features.CompanyImport;

/// <summary>
/// CSV import in three steps: upload (a malformed file is refused whole, with the reason), preview (per-row
/// errors, rows matching existing companies), confirm (a Hangfire job imports it batch by batch while the
/// page shows its progress).
/// </summary>
[Route("companies/import")]
public sealed class CompanyImportController(LeadsDbContext db, TimeProvider clock, IBackgroundJobClient jobs, ILogger<CompanyImportController> logger) : Controller
{
    public const long MaxFileBytes = 20 * 1024 * 1024;
    private const int ShownRows = 200;

    [HttpGet("")]
    public IActionResult Upload() => View();

    [HttpPost("")]
    [RequestSizeLimit(MaxFileBytes + 64 * 1024)]
    [RequestFormLimits(MultipartBodyLengthLimit = MaxFileBytes + 64 * 1024)]
    public async Task<IActionResult> Upload(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            ModelState.AddModelError("file", "Choose a CSV file.");
            return View();
        }
        if (file.Length > MaxFileBytes)
        {
            ModelState.AddModelError("file", "The file is larger than 20 MB; split it into smaller files.");
            return View();
        }
        string content;
        try
        {
            using var reader = new StreamReader(file.OpenReadStream(), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            content = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            ModelState.AddModelError("file", "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload that.");
            return View();
        }
        var parsed = CompanyCsv.Read(content);
        if (parsed.Error is not null)
        {
            ModelState.AddModelError("file", parsed.Error);
            return View();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var fileName = Path.GetFileName(file.FileName);
        var import = new CsvImport
        {
            Id = Guid.NewGuid(), FileName = fileName.Length > 200 ? fileName[..200] : fileName, Content = content,
            UploadedByUserId = viewer.UserId, UploadedByName = viewer.Name, UploadedAtUtc = clock.GetUtcNow().UtcDateTime,
            State = CsvImportState.Previewed, TotalRows = parsed.Rows.Count,
        };
        db.CsvImports.Add(import);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/companies/import/{import.Id}");
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken)
    {
        var import = await MineAsync(id, cancellationToken);
        if (import is null)
        {
            return NotFound();
        }
        if (import.State != CsvImportState.Previewed)
        {
            return View("Progress", import);
        }
        var preview = await CsvImporting.PreviewAsync(db, CompanyCsv.Read(import.Content).Rows, cancellationToken);
        return View("Preview", new ImportPreviewPage(import, preview, ShownRows));
    }

    [HttpPost("{id:guid}/confirm")]
    public async Task<IActionResult> Confirm(Guid id, CancellationToken cancellationToken)
    {
        var import = await MineAsync(id, cancellationToken);
        if (import is null)
        {
            return NotFound();
        }
        // Only the first confirmation starts the job (two taps, two tabs).
        var started = await db.CsvImports.Where(i => i.Id == id && i.State == CsvImportState.Previewed)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, CsvImportState.Importing), cancellationToken);
        if (started == 1)
        {
            jobs.Enqueue<CsvImportJob>(job => job.RunAsync(id, CancellationToken.None));
            logger.LogInformation("CSV import {ImportId} ({FileName}, {Rows} rows) confirmed", id, import.FileName, import.TotalRows);
        }
        return Redirect($"/companies/import/{id}");
    }

    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> Progress(Guid id, CancellationToken cancellationToken)
    {
        var import = await MineAsync(id, cancellationToken);
        return import is null
            ? NotFound()
            : Json(new { state = import.State.ToString(), processed = import.ProcessedRows, total = import.TotalRows });
    }

    /// <summary>An import is seen by whoever uploaded it, and by admins.</summary>
    private async Task<CsvImport?> MineAsync(Guid id, CancellationToken cancellationToken)
    {
        var import = await db.CsvImports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        return import is not null && (import.UploadedByUserId == viewer.UserId || viewer.IsAdmin) ? import : null;
    }
}

public sealed record ImportPreviewPage(CsvImport Import, ImportPreview Preview, int ShownRows)
{
    public IReadOnlyList<PlannedRow> Errors => Preview.Rows.Where(r => r.Plan == RowPlan.Error).ToList();
    public IReadOnlyList<PlannedRow> Matches => Preview.Rows.Where(r => r.Plan == RowPlan.ExistingCompany).ToList();
    public IReadOnlyList<PlannedRow> New => Preview.Rows.Where(r => r.Plan is RowPlan.NewCompany or RowPlan.SameAsEarlierRow).ToList();
}
