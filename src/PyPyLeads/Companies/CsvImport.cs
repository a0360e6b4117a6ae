using System.Linq.Expressions;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

public enum CsvImportState
{
    /// <summary>Uploaded and previewed; nothing imported yet.</summary>
    Previewed = 0,
    /// <summary>Confirmed; the background job imports it batch by batch.</summary>
    Importing = 1,
    Done = 2,
    Failed = 3,
}

/// <summary>
/// An uploaded CSV file between preview and import, and the import's progress. The file's text is kept here so
/// the job that imports it (on any instance) reads it from the database. Each batch of rows is imported in one
/// transaction together with <see cref="ProcessedRows"/>, so a job that runs twice or is restarted carries on
/// where the last committed batch ended and imports nothing twice.
/// </summary>
public sealed class CsvImport
{
    public Guid Id { get; set; }
    public required string FileName { get; set; }
    public required string Content { get; set; }
    public required string UploadedByUserId { get; set; }
    public string? UploadedByName { get; set; }
    public DateTime UploadedAtUtc { get; set; }
    public CsvImportState State { get; set; }
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int CompaniesCreated { get; set; }
    public int CompaniesMatched { get; set; }
    public int PeopleCreated { get; set; }
    public int PeopleMatched { get; set; }
    public int RowsSkipped { get; set; }
    /// <summary>The job run currently holding the import; another run waits until the lease ends.</summary>
    public Guid? ClaimToken { get; set; }
    public DateTime? ClaimedUntilUtc { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    public string? Error { get; set; }

    /// <summary>An import is seen (previewed, confirmed, followed) by whoever uploaded it, and by admins.</summary>
    public static Expression<Func<CsvImport, bool>> SeenBy(Caller caller) =>
        caller.IsAdmin ? i => true : i => i.UploadedByUserId == caller.UserId;
}
