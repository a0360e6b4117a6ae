using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Confirm an uploaded CSV import after its preview: the first confirmation starts the background job that imports it
/// batch by batch (<see cref="CsvImportJob"/>); another tap, or the same preview in a second tab, starts nothing more.
/// Returns <see cref="Done{T}"/> of <see cref="Confirmed"/>, or <see cref="NotFound"/> (no such import, or one the
/// caller may not see: see <see cref="CsvImport.SeenBy"/>).
/// </summary>
public sealed class ConfirmCompanyImport(LeadsDbContext db, IBackgroundJobClient jobs, SubmissionStore submissions, ILogger<ConfirmCompanyImport> logger)
{
    public sealed record Input(Guid ImportId)
    {
        /// <summary>The form's one-time key: sent again, it creates nothing more (see <see cref="SubmissionStore"/>).</summary>
        public string? SubmissionKey { get; init; }
    }

    /// <param name="Started">False when an earlier confirmation started it already.</param>
    public sealed record Confirmed(Guid ImportId, bool Started);

    public Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, nameof(ConfirmCompanyImport), input.SubmissionKey);
        return submissions.OnceAsync<Confirmed>(once, () => ConfirmAsync(input, caller, once, cancellationToken), cancellationToken);
    }

    private async Task<Outcome> ConfirmAsync(Input input, Caller caller, Submission? once, CancellationToken cancellationToken)
    {
        var outcome = await submissions.InTransactionAsync<Confirmed>(once, async ct =>
        {
            var import = await db.CsvImports.AsNoTracking().Where(CsvImport.SeenBy(caller)).Where(i => i.Id == input.ImportId)
                .Select(i => new { i.FileName, i.TotalRows }).SingleOrDefaultAsync(ct);
            if (import is null)
            {
                return new NotFound("That import does not exist, or it is someone else's.");
            }
            var started = await db.CsvImports.Where(i => i.Id == input.ImportId && i.State == CsvImportState.Previewed)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, CsvImportState.Importing), ct);
            if (started == 1)
            {
                logger.LogInformation("CSV import {ImportId} ({FileName}, {Rows} rows) confirmed", input.ImportId, import.FileName, import.TotalRows);
            }
            return new Done<Confirmed>(new(input.ImportId, started == 1));
        }, cancellationToken);
        if (outcome is Done<Confirmed> { Value.Started: true })
        {
            // After the commit, so the job finds the import confirmed.
            jobs.Enqueue<CsvImportJob>(job => job.RunAsync(input.ImportId, CancellationToken.None));
        }
        return outcome;
    }
}
