using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.CompanyImport;

/// <summary>
/// CSV import in three steps: upload (<see cref="UploadCompanyImport"/>: a malformed file is refused whole, with the
/// reason), preview (per-row errors, rows matching existing companies), confirm (<see cref="ConfirmCompanyImport"/>:
/// a Hangfire job imports it batch by batch while the page shows its progress).
/// </summary>
[Route("companies/import")]
public sealed class CompanyImportController(LeadsDbContext db, UploadCompanyImport upload, ConfirmCompanyImport confirm) : Controller
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
        var (text, unreadable) = await ReadAsync(file, cancellationToken);
        if (unreadable is not null)
        {
            ModelState.AddModelError("file", unreadable);
            return View();
        }
        var outcome = await upload.RunAsync(new UploadCompanyImport.Input(text, file?.FileName ?? ""), await User.CallerAsync(db, cancellationToken), cancellationToken);
        switch (outcome)
        {
            case Done<UploadCompanyImport.Uploaded> done:
                return RedirectToAction(nameof(Show), new { id = done.Value.ImportId });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View();
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Show(Guid id, CancellationToken cancellationToken)
    {
        var import = await SeenAsync(id, cancellationToken);
        if (import is null)
        {
            return NotFound();
        }
        if (import.State != CsvImportState.Previewed)
        {
            return View("Progress", import);
        }
        var preview = await CsvImporting.PreviewAsync(db, CompanyCsv.Read(import.Content).Rows, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return View("Preview", new ImportPreviewPage(import, preview, ShownRows));
    }

    [HttpPost("{id:guid}/confirm")]
    public async Task<IActionResult> Confirm(Guid id, string? submissionKey, CancellationToken cancellationToken)
    {
        var outcome = await confirm.RunAsync(new ConfirmCompanyImport.Input(id) { SubmissionKey = submissionKey }, await User.CallerAsync(db, cancellationToken), cancellationToken);
        return outcome is Done<ConfirmCompanyImport.Confirmed> ? RedirectToAction(nameof(Show), new { id }) : this.Refused(outcome);
    }

    [HttpGet("{id:guid}/progress")]
    public async Task<IActionResult> Progress(Guid id, CancellationToken cancellationToken)
    {
        var import = await SeenAsync(id, cancellationToken);
        return import is null
            ? NotFound()
            : Json(new { state = import.State.ToString(), processed = import.ProcessedRows, total = import.TotalRows });
    }

    private async Task<CsvImport?> SeenAsync(Guid id, CancellationToken cancellationToken) =>
        await db.CsvImports.AsNoTracking().Where(CsvImport.SeenBy(await User.CallerAsync(db, cancellationToken)))
            .SingleOrDefaultAsync(i => i.Id == id, cancellationToken);

    /// <summary>The uploaded file as text; null text without a problem when no file was chosen.</summary>
    private static async Task<(string? Text, string? Problem)> ReadAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return (null, null);
        }
        if (file.Length > MaxFileBytes)
        {
            return (null, "The file is larger than 20 MB; split it into smaller files.");
        }
        try
        {
            using var reader = new StreamReader(file.OpenReadStream(), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            return (await reader.ReadToEndAsync(cancellationToken), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload that.");
        }
    }
}

public sealed record ImportPreviewPage(CsvImport Import, ImportPreview Preview, int ShownRows)
{
    public IReadOnlyList<PlannedRow> Errors => Preview.Rows.Where(r => r.Plan == RowPlan.Error).ToList();
    public IReadOnlyList<PlannedRow> Matches => Preview.Rows.Where(r => r.Plan == RowPlan.ExistingCompany).ToList();
    public IReadOnlyList<PlannedRow> New => Preview.Rows.Where(r => r.Plan is RowPlan.NewCompany or RowPlan.SameAsEarlierRow).ToList();
}
