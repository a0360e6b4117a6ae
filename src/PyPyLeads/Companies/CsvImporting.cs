using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Timeline;
using PyPyLeads.UseCases;

namespace PyPyLeads.Companies;

public enum RowPlan
{
    Error,
    NewCompany,
    ExistingCompany,
    SameAsEarlierRow,
}

/// <summary>What the import will do with one row.</summary>
public sealed record PlannedRow(CsvRow Row, RowPlan Plan, IReadOnlyList<string> Errors, CompanyMatch? Match, int? SameAsRow, bool PersonExists)
{
    public string NameKey => CompanyKeys.Name(Row.Company ?? "");
    public string? DomainKey => CompanyKeys.Domain(Row.WebDomain);
}

public sealed record ImportPreview(IReadOnlyList<PlannedRow> Rows)
{
    public int Count(RowPlan plan) => Rows.Count(r => r.Plan == plan);
    public int NewPeople => Rows.Count(r => r.Plan != RowPlan.Error && !string.IsNullOrWhiteSpace(r.Row.Person) && !r.PersonExists);
    public int ExistingPeople => Rows.Count(r => r.Plan != RowPlan.Error && r.PersonExists);
}

/// <summary>
/// The CSV import: <see cref="PreviewAsync"/> says what each row would do (errors, matches with existing companies,
/// rows of the same company) without changing anything; <see cref="CsvImportJob"/> does it, batch by batch.
/// A row that would add to an existing company the uploader may not change (another consultancy's lead:
/// <see cref="CompanyAccess"/>) is refused, that row only, with the reason in the preview; the job skips it, judging
/// the uploader and the company as they are when it runs. New companies are created unassigned.
/// </summary>
public static class CsvImporting
{
    private static readonly CsvRowValidator Validator = new();

    public static async Task<ImportPreview> PreviewAsync(LeadsDbContext db, IReadOnlyList<CsvRow> rows, Caller uploader, CancellationToken cancellationToken = default)
    {
        var checkedRows = rows.Select(r => (Row: r, Errors: Validator.Validate(r).Errors.Select(e => e.ErrorMessage).Concat(r.ReadErrors).ToList())).ToList();
        var valid = checkedRows.Where(r => r.Errors.Count == 0).Select(r => r.Row).ToList();
        var (byName, byDomain) = await CompanyMatching.FindManyAsync(db,
            valid.Select(r => CompanyKeys.Name(r.Company!)), valid.Select(r => CompanyKeys.Domain(r.WebDomain)).OfType<string>(), cancellationToken);
        var people = await ExistingPeopleAsync(db, byName.Values.Concat(byDomain.Values).Select(m => m.Id), cancellationToken);

        var firstByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstByDomain = new Dictionary<string, int>(StringComparer.Ordinal);
        var newPeople = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<PlannedRow>(rows.Count);
        foreach (var (row, errors) in checkedRows)
        {
            if (errors.Count > 0)
            {
                planned.Add(new PlannedRow(row, RowPlan.Error, errors, null, null, false));
                continue;
            }
            var nameKey = CompanyKeys.Name(row.Company!);
            var domainKey = CompanyKeys.Domain(row.WebDomain);
            var (match, conflict) = Match(nameKey, domainKey, byName, byDomain);
            conflict ??= Refusal(match, uploader);
            if (conflict is not null)
            {
                planned.Add(new PlannedRow(row, RowPlan.Error, [conflict], null, null, false));
                continue;
            }
            int? sameAs = firstByName.TryGetValue(nameKey, out var n) ? n : domainKey is not null && firstByDomain.TryGetValue(domainKey, out var d) ? d : null;
            firstByName.TryAdd(nameKey, sameAs ?? row.Number);
            if (domainKey is not null)
            {
                firstByDomain.TryAdd(domainKey, sameAs ?? row.Number);
            }
            var companyRef = match is not null ? "#" + match.Id.ToString(CultureInfo.InvariantCulture) : "row" + (sameAs ?? row.Number).ToString(CultureInfo.InvariantCulture);
            var personExists = false;
            if (!string.IsNullOrWhiteSpace(row.Person))
            {
                var personKey = PersonKey(row.Person, row.Email);
                personExists = (match is not null && people.Contains((match.Id, personKey.ByEmail ?? personKey.ByName)))
                               || !newPeople.Add(companyRef + "|" + (personKey.ByEmail ?? personKey.ByName));
            }
            planned.Add(new PlannedRow(row, match is not null ? RowPlan.ExistingCompany : sameAs is not null ? RowPlan.SameAsEarlierRow : RowPlan.NewCompany,
                [], match, sameAs, personExists));
        }
        return new ImportPreview(planned);
    }

    /// <summary>A row meets an existing company by name or domain; meeting two different ones is an error to fix first.</summary>
    internal static (CompanyMatch? Match, string? Conflict) Match(string nameKey, string? domainKey,
        Dictionary<string, CompanyMatch> byName, Dictionary<string, CompanyMatch> byDomain)
    {
        byName.TryGetValue(nameKey, out var name);
        CompanyMatch? domain = null;
        if (domainKey is not null)
        {
            byDomain.TryGetValue(domainKey, out domain);
        }
        if (name is not null && domain is not null && name.Id != domain.Id)
        {
            return (null, $"The name matches “{name.Name}” but the web domain matches “{domain.Name}”: correct the row, or merge those two companies first.");
        }
        return (name ?? domain, null);
    }

    /// <summary>Why the uploader may not add this row to the company it matches; null when they may (or it matches none).</summary>
    internal static string? Refusal(CompanyMatch? match, Caller uploader) =>
        match is null ? null : CompanyAccess.Refusal(uploader, match.Name, match.ConsultancyId)?.Message;

    /// <summary>A person is the same one at a company by e-mail when there is one, else by folded name.</summary>
    internal static (string? ByEmail, string ByName) PersonKey(string name, string? email) =>
        (CompanyKeys.Email(email) is { } e ? "e:" + e : null, "n:" + CompanyKeys.PersonName(name));

    internal static async Task<HashSet<(int CompanyId, string Key)>> ExistingPeopleAsync(LeadsDbContext db, IEnumerable<int> companyIds, CancellationToken cancellationToken)
    {
        var keys = new HashSet<(int, string)>();
        foreach (var chunk in companyIds.Distinct().Chunk(500))
        {
            foreach (var p in await db.People.AsNoTracking().Where(p => chunk.Contains(p.CompanyId) && p.DeletedAtUtc == null)
                         .Select(p => new { p.CompanyId, p.Name, p.EmailKey }).ToListAsync(cancellationToken))
            {
                var key = PersonKey(p.Name, p.EmailKey);
                keys.Add((p.CompanyId, key.ByName));
                if (key.ByEmail is not null)
                {
                    keys.Add((p.CompanyId, key.ByEmail));
                }
            }
        }
        return keys;
    }
}

/// <summary>
/// Imports a confirmed CSV file in batches. Each batch's rows and the import's progress commit together, guarded by
/// the run's claim: a second run of the job (Hangfire may run one twice) finds the claim held and stops, and a run
/// after a crash (<see cref="CsvImportMaintenance"/> starts one once the claim is stale) carries on after the last
/// committed batch. So a killed import is never applied in part of a batch, and never twice.
/// </summary>
public sealed class CsvImportJob(LeadsDbContext db, TimeProvider clock, IOptions<ImportOptions> options, ILogger<CsvImportJob> logger)
{
    public const int BatchSize = 200;
    private static readonly CsvRowValidator Validator = new();

    private TimeSpan Lease => options.Value.StaleClaim;

    public async Task RunAsync(Guid importId, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid();
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.CsvImports
            .Where(i => i.Id == importId && i.State == CsvImportState.Importing && (i.ClaimedUntilUtc == null || i.ClaimedUntilUtc < now))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ClaimToken, token).SetProperty(i => i.ClaimedUntilUtc, now + Lease), cancellationToken);
        if (claimed == 0)
        {
            logger.LogInformation("CSV import {ImportId} is done or held by another run", importId);
            return;
        }
        var import = await db.CsvImports.AsNoTracking().SingleAsync(i => i.Id == importId, cancellationToken);
        var file = CompanyCsv.Read(import.Content);
        var actor = new Actor(import.UploadedByUserId, import.UploadedByName ?? Actor.System.Name);
        // The uploader as they are now: a row for a company they may no longer change is skipped (a user deleted meanwhile changes nothing).
        var uploader = await Caller.LoadAsync(db, import.UploadedByUserId, cancellationToken)
                       ?? new Caller(import.UploadedByUserId, actor.Name, IsAdmin: false, ConsultancyId: -1, "UTC");
        try
        {
            var done = import.ProcessedRows;
            while (done < file.Rows.Count)
            {
                var batch = file.Rows.Skip(done).Take(BatchSize).ToList();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var from = done;
                        await db.InTransactionAsync(ct => ImportBatchAsync(batch, importId, token, from, actor, uploader, import.FileName, ct), cancellationToken);
                        break;
                    }
                    catch (Exception ex) when (DbErrors.IsUniqueViolation(ex) && attempt < 3)
                    {
                        // Someone saved one of these companies or people meanwhile: the batch, again, now matches them.
                        db.ChangeTracker.Clear();
                    }
                    catch (ClaimLostException)
                    {
                        logger.LogWarning("CSV import {ImportId} lost its claim at row {Row}; another run carries on", importId, done);
                        return;
                    }
                }
                done += batch.Count;
            }
            await db.CsvImports.Where(i => i.Id == importId && i.ClaimToken == token)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, CsvImportState.Done)
                    .SetProperty(i => i.FinishedAtUtc, clock.GetUtcNow().UtcDateTime)
                    .SetProperty(i => i.ClaimToken, (Guid?)null).SetProperty(i => i.ClaimedUntilUtc, (DateTime?)null)
                    .SetProperty(i => i.Content, ""), cancellationToken);
            logger.LogInformation("CSV import {ImportId} ({FileName}) finished: {Rows} rows", importId, import.FileName, file.Rows.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "CSV import {ImportId} failed", importId);
            await db.CsvImports.Where(i => i.Id == importId && i.ClaimToken == token)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, CsvImportState.Failed)
                    .SetProperty(i => i.Error, "The import stopped unexpectedly; the rows before the stop were imported. " + ex.GetType().Name)
                    .SetProperty(i => i.FinishedAtUtc, clock.GetUtcNow().UtcDateTime)
                    .SetProperty(i => i.ClaimToken, (Guid?)null), CancellationToken.None);
        }
    }

    /// <summary>One batch, in one transaction; throws <see cref="ClaimLostException"/> (so nothing commits) when another run holds the import.</summary>
    private async Task<int> ImportBatchAsync(List<CsvRow> batch, Guid importId, Guid token, int processedBefore, Actor actor, Caller uploader, string fileName,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = batch.Select(r => (Row: r, Valid: r.ReadErrors.Count == 0 && Validator.Validate(r).IsValid)).ToList();
        var valid = rows.Where(r => r.Valid).Select(r => r.Row).ToList();
        var (byName, byDomain) = await CompanyMatching.FindManyAsync(db,
            valid.Select(r => CompanyKeys.Name(r.Company!)), valid.Select(r => CompanyKeys.Domain(r.WebDomain)).OfType<string>(), cancellationToken);
        var existingIds = byName.Values.Concat(byDomain.Values).Select(m => m.Id).Distinct().ToList();
        var existingPeople = await CsvImporting.ExistingPeopleAsync(db, existingIds, cancellationToken);

        var newByName = new Dictionary<string, Company>(StringComparer.Ordinal);
        var newByDomain = new Dictionary<string, Company>(StringComparer.Ordinal);
        var newPeople = new Dictionary<string, Person>(StringComparer.Ordinal);
        var created = new List<(Company Company, int Row)>();
        var createdPeople = new List<(Person Person, int Row)>();
        int skipped = 0, companiesMatched = 0, peopleMatched = 0;

        foreach (var (row, isValid) in rows)
        {
            if (!isValid)
            {
                skipped++;
                continue;
            }
            var nameKey = CompanyKeys.Name(row.Company!);
            var domainKey = CompanyKeys.Domain(row.WebDomain);
            var (match, conflict) = CsvImporting.Match(nameKey, domainKey, byName, byDomain);
            if ((conflict ?? CsvImporting.Refusal(match, uploader)) is not null)
            {
                skipped++;
                continue;
            }
            Company? company = null;
            if (match is null)
            {
                company = newByName.GetValueOrDefault(nameKey) ?? (domainKey is null ? null : newByDomain.GetValueOrDefault(domainKey));
                if (company is null)
                {
                    company = new Company
                    {
                        Name = row.Company!.Trim(), NameKey = nameKey, WebDomain = CompanyRules.Clean(row.WebDomain), DomainKey = domainKey,
                        City = CompanyRules.Clean(row.City), Country = CompanyRules.Clean(row.Country), Industry = CompanyRules.Clean(row.Industry),
                        Notes = CompanyRules.Clean(row.Notes), Source = LeadSources.Parse(row.Source) ?? LeadSource.Other,
                        CreatedAtUtc = now, CreatedByUserId = actor.UserId,
                    };
                    db.Companies.Add(company);
                    created.Add((company, row.Number));
                }
                else
                {
                    companiesMatched++;
                }
                newByName.TryAdd(nameKey, company);
                if (domainKey is not null)
                {
                    newByDomain.TryAdd(domainKey, company);
                }
            }
            else
            {
                companiesMatched++;
            }

            if (string.IsNullOrWhiteSpace(row.Person))
            {
                continue;
            }
            var personKey = CsvImporting.PersonKey(row.Person, row.Email);
            var key = personKey.ByEmail ?? personKey.ByName;
            var companyRef = match is not null ? "#" + match.Id.ToString(CultureInfo.InvariantCulture) : "new" + created.FindIndex(c => c.Company == company).ToString(CultureInfo.InvariantCulture);
            if ((match is not null && existingPeople.Contains((match.Id, key))) || newPeople.ContainsKey(companyRef + "|" + key))
            {
                peopleMatched++;
                continue;
            }
            var person = new Person
            {
                Name = row.Person.Trim(), Role = CompanyRules.Clean(row.Role), Email = CompanyRules.Clean(row.Email),
                EmailKey = CompanyKeys.Email(row.Email), Phone = CompanyRules.Clean(row.Phone), CreatedAtUtc = now,
            };
            if (match is not null)
            {
                person.CompanyId = match.Id;
            }
            else
            {
                person.Company = company;
            }
            db.People.Add(person);
            newPeople[companyRef + "|" + key] = person;
            createdPeople.Add((person, row.Number));
        }
        await db.SaveChangesAsync(cancellationToken);

        foreach (var (company, row) in created)
        {
            db.Timeline.Add(TimelineEntry.For(company.Id, CompanyTimeline.CompanyCreated,
                $"{actor.Name} added this company by CSV import", $"From “{fileName}”, row {row.ToString(CultureInfo.InvariantCulture)}.", actor, now, "Company", company.Id));
        }
        foreach (var (person, row) in createdPeople)
        {
            db.Timeline.Add(TimelineEntry.For(person.CompanyId, CompanyTimeline.PersonAdded,
                $"{actor.Name} added {person.Name}{(person.Role is null ? "" : " (" + person.Role + ")")} by CSV import",
                $"From “{fileName}”, row {row.ToString(CultureInfo.InvariantCulture)}.", actor, now, "Person", person.Id));
        }
        await db.SaveChangesAsync(cancellationToken);
        await SearchIndex.RefreshAsync(db, created.Select(c => c.Company.Id).Concat(createdPeople.Select(p => p.Person.CompanyId)), cancellationToken);

        var progressed = await db.CsvImports
            .Where(i => i.Id == importId && i.ClaimToken == token && i.ProcessedRows == processedBefore)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.ProcessedRows, processedBefore + batch.Count)
                .SetProperty(i => i.CompaniesCreated, i => i.CompaniesCreated + created.Count)
                .SetProperty(i => i.CompaniesMatched, i => i.CompaniesMatched + companiesMatched)
                .SetProperty(i => i.PeopleCreated, i => i.PeopleCreated + createdPeople.Count)
                .SetProperty(i => i.PeopleMatched, i => i.PeopleMatched + peopleMatched)
                .SetProperty(i => i.RowsSkipped, i => i.RowsSkipped + skipped)
                .SetProperty(i => i.ClaimedUntilUtc, now + Lease), cancellationToken);
        if (progressed == 0)
        {
            throw new ClaimLostException();
        }
        return batch.Count;
    }

    private sealed class ClaimLostException : Exception;
}
