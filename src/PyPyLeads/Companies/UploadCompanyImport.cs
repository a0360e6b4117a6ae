using FluentValidation;
using PyPyLeads.Data;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

/// <summary>
/// Upload a CSV file of companies, the first of three steps: a malformed file is refused whole, with the reason; a
/// readable one is kept (in the database, so the job on any instance reads it) for its preview, where the uploader sees
/// what each row would do before anything changes, and confirms it (<see cref="ConfirmCompanyImport"/>).
/// Returns <see cref="Done{T}"/> of <see cref="Uploaded"/>, or <see cref="Invalid"/>.
/// </summary>
public sealed class UploadCompanyImport(LeadsDbContext db, IValidator<UploadCompanyImport.Input> validator, TimeProvider clock)
{
    /// <param name="File">The file's text, null when no file was chosen (the pages refuse a file that is not UTF-8 before this).</param>
    /// <param name="FileName">The name the uploader's computer gave it.</param>
    public sealed record Input(string? File, string FileName);

    /// <summary>Kept for its preview.</summary>
    public sealed record Uploaded(Guid ImportId);

    public sealed class Validator : AbstractValidator<Input>
    {
        public Validator()
        {
            RuleFor(x => x.File).NotNull().WithMessage("Choose a CSV file.");
        }
    }

    public async Task<Outcome> RunAsync(Input input, Caller caller, CancellationToken cancellationToken)
    {
        if (await validator.CheckAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }
        // Read once here rather than in the validator: the file may hold 20 MB of rows.
        var parsed = CompanyCsv.Read(input.File!);
        if (parsed.Error is not null)
        {
            return new Invalid(nameof(Input.File), parsed.Error);
        }
        var fileName = Path.GetFileName(input.FileName);
        var import = new CsvImport
        {
            Id = Guid.NewGuid(), FileName = fileName.Length > 200 ? fileName[..200] : fileName, Content = input.File!,
            UploadedByUserId = caller.UserId, UploadedByName = caller.Name, UploadedAtUtc = clock.GetUtcNow().UtcDateTime,
            State = CsvImportState.Previewed, TotalRows = parsed.Rows.Count,
        };
        return await db.InTransactionAsync<Outcome>(async ct =>
        {
            db.CsvImports.Add(import);
            await db.SaveChangesAsync(ct);
            return new Done<Uploaded>(new(import.Id));
        }, cancellationToken);
    }
}
