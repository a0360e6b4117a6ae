using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Time;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Companies;

/// <summary>The company list (search, filters, keyset paging), the company page with its timeline, edit, delete and restore, merge, CSV export.</summary>
[Route("companies")]
public sealed class CompaniesController(LeadsDbContext db, TimeProvider clock, CompanyTotalCache totals) : Controller
{
    public const int PageSize = 25;
    private const int TimelinePageSize = 50;
    public const int PeopleShown = 50;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] CompanyListQuery query, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var filtered = await FilterAsync(db, query, cancellationToken);
        var sort = query.SortOrDefault;
        var after = Cursor.Decode(query.After);
        var before = after is null ? Cursor.Decode(query.Before) : null;

        // Step 1: the page's ids through the sort's index (keyset: no OFFSET, so page 4,000 costs what page 1 does).
        var keys = await Page(filtered, sort, after, before).Take(PageSize + 1).ToListAsync(cancellationToken);
        var hasMore = keys.Count > PageSize;
        keys = keys.Take(PageSize).ToList();
        if (before is not null)
        {
            keys.Reverse();
        }
        // Step 2: what the rows show, for those ids only: one query for the page, not one per row.
        var ids = keys.Select(k => k.Id).ToList();
        var rows = await RowsQuery(db, ids).ToListAsync(cancellationToken);
        var stopNames = ReferenceData.TourStops.ToDictionary(s => s.Id, s => s.Name);
        var consultancyNames = ReferenceData.Consultancies.ToDictionary(c => c.Id, c => c.Name);
        var byId = rows.ToDictionary(r => r.Id);
        var page = keys.Where(k => byId.ContainsKey(k.Id)).Select(k => byId[k.Id])
            .Select(r => new CompanyRow(r.Id, r.Name, r.WebDomain, r.City, r.Country,
                r.ConsultancyId is { } consultancy ? consultancyNames.GetValueOrDefault(consultancy) : null, r.People, r.LastMetUtc,
                r.LastStopId is { } stop ? stopNames.GetValueOrDefault(stop) : null)).ToList();

        string? next = null, previous = null;
        if (keys.Count > 0)
        {
            var first = keys[0];
            var last = keys[^1];
            next = before is not null || hasMore ? last.Cursor(sort).Encode() : null;
            previous = after is not null || (before is not null && hasMore) ? first.Cursor(sort).Encode() : null;
        }
        var total = query.IsFiltered ? (int?)null : await LiveCompaniesAsync(cancellationToken);
        return View(new CompanyListPage
        {
            Query = query, Rows = page, NextCursor = next, PreviousCursor = previous, Total = total, Viewer = viewer,
            Stops = StopItems(),
            Consultancies = ReferenceData.Consultancies.OrderBy(c => c.Id).Select(c => new SelectListItem(c.Name, c.Id.ToString(Invariant))).ToList(),
        });
    }

    internal sealed record RowData(int Id, string Name, string? WebDomain, string? City, string? Country, int? ConsultancyId, int People,
        DateTime? LastMetUtc, int? LastStopId);

    /// <summary>
    /// What the list's rows show, for the page's ids only: one query for the page, not one per row. Compiled once: EF
    /// otherwise walks and hashes this tree of subqueries on every page view, which cost more than running it.
    /// </summary>
    internal static readonly Func<LeadsDbContext, List<int>, IAsyncEnumerable<RowData>> RowsQuery = EF.CompileAsyncQuery(
        (LeadsDbContext db, List<int> ids) => db.Companies.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new RowData(
            c.Id, c.Name, c.WebDomain, c.City, c.Country, c.ConsultancyId,
            db.People.Count(p => p.CompanyId == c.Id && p.DeletedAtUtc == null),
            // Scalar subqueries, each an index lookup per row: selecting an object here makes EF rank every encounter instead.
            db.Encounters.Where(e => e.CompanyId == c.Id).Max(e => (DateTime?)e.MetAtUtc),
            db.Encounters.Where(e => e.CompanyId == c.Id).OrderByDescending(e => e.MetAtUtc).Select(e => (int?)e.TourStopId).FirstOrDefault())));

    /// <summary>
    /// How many companies the unfiltered list holds. Counting reads every live company's index entry (about a tenth of
    /// the page's time with 10,000), so the count is kept until the pipeline stamp, which every company change moves,
    /// says otherwise.
    /// </summary>
    private async Task<int> LiveCompaniesAsync(CancellationToken cancellationToken)
    {
        var stamp = await ChangeStamp.ReadAsync(db, ChangeStamp.Pipeline, cancellationToken);
        if (!totals.TryGet(stamp, out var total))
        {
            total = await db.Companies.CountAsync(c => c.DeletedAtUtc == null, cancellationToken);
            totals.Set(stamp, total);
        }
        return total;
    }

    /// <summary>The type-ahead of "Log a contact": a few live companies for what has been typed so far.</summary>
    [HttpGet("suggest")]
    public async Task<IActionResult> Suggest(string? q, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 200)
        {
            return Json(Array.Empty<object>());
        }
        var nameKey = CompanyKeys.Name(q);
        var live = db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null);
        // The same company under another spelling ("yelp, inc.") first, then companies whose words start so.
        var exact = await live.Where(c => c.NameKey == nameKey).Select(c => new { c.Id, c.Name, Domain = c.WebDomain, c.City }).ToListAsync(cancellationToken);
        var more = await (await live.MatchingAsync(db, q, cancellationToken)).OrderBy(c => c.NameKey).Take(8)
            .Select(c => new { c.Id, c.Name, Domain = c.WebDomain, c.City }).ToListAsync(cancellationToken);
        return Json(exact.Concat(more).DistinctBy(c => c.Id).Take(8).Select(c => new { id = c.Id, name = c.Name, domain = c.Domain, city = c.City }));
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Show(int id, string? older, string? people, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        // A company met at every stop can have thousands of people: the page shows the first ones by name, and all on request.
        var showAll = people == "all";
        var living = db.People.AsNoTracking().Where(p => p.CompanyId == id && p.DeletedAtUtc == null);
        var ordered = living.OrderBy(p => p.Name).ThenBy(p => p.Id).Select(p => new PersonRow(p.Id, p.Name, p.Role, p.Email, p.Phone, p.Version));
        var peopleRows = await (showAll ? ordered : ordered.Take(PeopleShown + 1)).ToListAsync(cancellationToken);
        var peopleCount = showAll || peopleRows.Count <= PeopleShown ? peopleRows.Count : await living.CountAsync(cancellationToken);
        if (!showAll && peopleRows.Count > PeopleShown)
        {
            peopleRows.RemoveAt(PeopleShown);
        }

        // Newest first, 50 at a time, by the (CompanyId, AtUtc, Id) index. Any kind of entry is shown the same way,
        // so what other features write appears here without this page knowing them.
        var timeline = db.Timeline.AsNoTracking().Where(t => t.CompanyId == id);
        if (Cursor.Decode(older) is { } cursor && long.TryParse(cursor.Key, NumberStyles.None, Invariant, out var ticks))
        {
            var at = new DateTime(ticks, DateTimeKind.Utc);
            timeline = timeline.Where(t => t.AtUtc <= at && (t.AtUtc < at || t.Id < cursor.Id));
        }
        var entries = await timeline.OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Take(TimelinePageSize + 1).ToListAsync(cancellationToken);
        var olderCursor = entries.Count > TimelinePageSize
            ? new Cursor(entries[TimelinePageSize - 1].AtUtc.Ticks.ToString(Invariant), (int)entries[TimelinePageSize - 1].Id).Encode()
            : null;

        (int, string)? mergedInto = company.MergedIntoCompanyId is { } into
            ? (into, await db.Companies.Where(c => c.Id == into).Select(c => c.Name).SingleAsync(cancellationToken))
            : null;
        return View(new CompanyPage
        {
            Company = company, People = peopleRows, PeopleCount = peopleCount, Viewer = viewer, OlderCursor = olderCursor, MergedInto = mergedInto,
            Timeline = entries.Take(TimelinePageSize).Select(e => new TimelineRow(e, viewer.Time(e.AtUtc))).ToList(),
            // Reference data, as on the list: the migrations seed these rows from the same lists and nothing edits them.
            Consultancy = ReferenceData.Consultancies.FirstOrDefault(c => c.Id == company.ConsultancyId)?.Name,
            SourceStop = ReferenceData.TourStops.FirstOrDefault(s => s.Id == company.SourceTourStopId)?.Name,
            DeletedBy = company.DeletedByUserId is null ? null
                : await db.Users.Where(u => u.Id == company.DeletedByUserId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken),
        });
    }

    /// <summary>"New company": the company's own fields, held to the duplicate rules of log-a-contact.</summary>
    [HttpGet("new")]
    public IActionResult New() => View(nameof(Edit), NewPage(new CompanyForm { Source = LeadSource.Other }));

    [HttpPost("new")]
    public async Task<IActionResult> New(CompanyForm form, string? submissionKey, [FromServices] CreateCompany createCompany, CancellationToken cancellationToken)
    {
        var outcome = await ModelState.RunWhenReadAsync(async () => await createCompany.RunAsync(new CreateCompany.Input(form.Name, form.WebDomain, form.City,
            form.Country, form.Industry, form.Notes, form.Source, form.SourceTourStopId) { SubmissionKey = submissionKey }, await User.CallerAsync(db, cancellationToken), cancellationToken));
        switch (outcome)
        {
            case Done<CreateCompany.Created> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Show), new { id = done.Value.CompanyId });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return View(nameof(Edit), NewPage(form));
            case DuplicatesFound<CompanyMatch> duplicates:
                ModelState.AddModelError(duplicates.Field, duplicates.Message);
                return View(nameof(Edit), NewPage(form, duplicates.Matches));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken);
        return company is null ? NotFound()
            : !await MayChangeAsync(company.ConsultancyId, cancellationToken) ? Forbid()
            : View(EditPage(company.Id, company.Name, CompanyForm.From(company)));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CompanyForm form, [FromServices] EditCompany editCompany, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return await EditFormAsync(id, form, cancellationToken); // a field the form could not read (a version that is no number...)
        }
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await editCompany.RunAsync(new EditCompany.Input(id, form.Name, form.WebDomain, form.City, form.Country, form.Industry, form.Notes,
            form.Source, form.SourceTourStopId, form.Version), caller, cancellationToken);
        switch (outcome)
        {
            case Done<EditCompany.Saved> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Show), new { id });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return await EditFormAsync(id, form, cancellationToken);
            case DuplicatesFound<CompanyMatch> duplicates:
                ModelState.AddModelError(duplicates.Field, duplicates.Message);
                return await EditFormAsync(id, form, cancellationToken, duplicates.Matches);
            case Conflict<EditCompany.Current> conflict:
                return View(ConflictPage(id, conflict.Current, form));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:int}/delete")]
    public async Task<IActionResult> Delete(int id, CancellationToken cancellationToken)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken);
        return company is null ? NotFound() : !await MayChangeAsync(company.ConsultancyId, cancellationToken) ? Forbid() : View(company);
    }

    [HttpPost("{id:int}/delete")]
    public async Task<IActionResult> Delete(int id, string? confirm, [FromServices] DeleteCompany deleteCompany, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await deleteCompany.RunAsync(new DeleteCompany.Input(id), caller, cancellationToken);
        if (outcome is not Done<DeleteCompany.Deleted> done)
        {
            return this.Refused(outcome);
        }
        TempData.Done(done.Value.Message);
        return RedirectToAction(nameof(Index));
    }

    [Authorize(Policy = Authentication.AdminPolicy)]
    [HttpGet("deleted")]
    public async Task<IActionResult> Deleted(CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        ViewData["Viewer"] = viewer;
        var rows = await db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc != null).OrderByDescending(c => c.DeletedAtUtc).Take(500)
            .Select(c => new DeletedCompanyRow(c.Id, c.Name, c.DeletedAtUtc!.Value,
                db.Users.Where(u => u.Id == c.DeletedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                c.MergedIntoCompanyId, db.Companies.Where(m => m.Id == c.MergedIntoCompanyId).Select(m => m.Name).FirstOrDefault(), c.Version))
            .ToListAsync(cancellationToken);
        return View(rows);
    }

    [Authorize(Policy = Authentication.AdminPolicy)]
    [HttpPost("{id:int}/restore")]
    public async Task<IActionResult> Restore(int id, long? version, [FromServices] RestoreCompany restoreCompany, CancellationToken cancellationToken)
    {
        if (version is not { } seen)
        {
            return BadRequest(); // the Restore buttons carry the version their page was shown with
        }
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await restoreCompany.RunAsync(new RestoreCompany.Input(id, seen), caller, cancellationToken);
        switch (outcome)
        {
            case Done<RestoreCompany.Restored> done:
                TempData.Done(done.Value.Message);
                break;
            case Invalid invalid:
                TempData.Problem(invalid.Errors[0].Message);
                break;
            case DuplicatesFound<CompanyMatch> taken:
                TempData.Problem(taken.Message);
                break;
            case Conflict<RestoreCompany.Current> stale:
                TempData.Problem(stale.Message);
                break;
            default:
                return this.Refused(outcome);
        }
        return RedirectToAction(nameof(Show), new { id });
    }

    [HttpGet("{id:int}/merge")]
    public async Task<IActionResult> Merge(int id, string? q, int? with, CancellationToken cancellationToken)
    {
        var self = await CandidateAsync(id, cancellationToken);
        if (self is null)
        {
            return NotFound();
        }
        if (!await MayChangeAsync(self.ConsultancyId, cancellationToken))
        {
            return Forbid();
        }
        if (with is { } otherId && otherId != id)
        {
            var other = await CandidateAsync(otherId, cancellationToken);
            if (other is not null)
            {
                return View(new CompanyMergePage { This = self, Other = other });
            }
        }
        IReadOnlyList<MergeCandidate> found = [];
        if (!string.IsNullOrWhiteSpace(q))
        {
            var ids = await (await db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null && c.Id != id).MatchingAsync(db, q, cancellationToken))
                .OrderBy(c => c.NameKey).Take(20).Select(c => c.Id).ToListAsync(cancellationToken);
            found = await CandidatesAsync(ids, cancellationToken);
        }
        return View(new CompanyMergePage { This = self, Q = q, Found = found });
    }

    /// <param name="version">This company's version, as the page showed it.</param>
    /// <param name="withVersion">The other company's version, as the page showed it.</param>
    [HttpPost("{id:int}/merge")]
    public async Task<IActionResult> Merge(int id, int with, int keep, long? version, long? withVersion, [FromServices] MergeCompanies mergeCompanies,
        CancellationToken cancellationToken)
    {
        if ((keep != id && keep != with) || version is not { } mine || withVersion is not { } theirs)
        {
            return BadRequest(); // the form offers only the two companies, and carries the versions it showed
        }
        var caller = await User.CallerAsync(db, cancellationToken);
        var input = keep == id ? new MergeCompanies.Input(id, with, mine, theirs) : new MergeCompanies.Input(with, id, theirs, mine);
        var outcome = await mergeCompanies.RunAsync(input, caller, cancellationToken);
        if (outcome is Done<MergeCompanies.Merged> done)
        {
            TempData.Done(done.Value.Message);
            return RedirectToAction(nameof(Show), new { id = keep });
        }
        var self = await CandidateAsync(id, cancellationToken);
        if (outcome is Conflict<MergeCompanies.Current> stale && self is not null && await CandidateAsync(with, cancellationToken) is { } other)
        {
            // Both as they stand now (with their new versions), the choice as it was made.
            return View(new CompanyMergePage { This = self, Other = other, Keep = keep, Error = stale.Message });
        }
        var error = outcome switch
        {
            Invalid invalid => invalid.Errors[0].Message,
            NotFound notFound => notFound.Message,
            Conflict<MergeCompanies.Current> conflict => conflict.Message,
            NotAllowed notAllowed => notAllowed.Message,
            _ => null,
        };
        if (error is null)
        {
            return this.Refused(outcome);
        }
        if (outcome is NotAllowed)
        {
            // The other company chosen is another consultancy's: refused as a forced post is, with the reason on the page.
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        return self is null ? NotFound() : View(new CompanyMergePage { This = self, Error = error });
    }

    [HttpGet("{id:int}/people/new")]
    public async Task<IActionResult> AddPerson(int id, CancellationToken cancellationToken)
    {
        var company = await db.Companies.Where(c => c.Id == id && c.DeletedAtUtc == null).Select(c => new { c.Name, c.ConsultancyId }).SingleOrDefaultAsync(cancellationToken);
        return company is null ? NotFound()
            : !await MayChangeAsync(company.ConsultancyId, cancellationToken) ? Forbid()
            : View("~/Features/People/Edit.cshtml", new PersonEditPage { CompanyId = id, CompanyName = company.Name, Form = new PersonForm() });
    }

    [HttpPost("{id:int}/people/new")]
    public async Task<IActionResult> AddPerson(int id, PersonForm form, string? submissionKey, [FromServices] PyPyLeads.Companies.AddPerson addPerson,
        CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var caller = await User.CallerAsync(db, cancellationToken);
            var outcome = await addPerson.RunAsync(new PyPyLeads.Companies.AddPerson.Input(id, form.Name, form.Role, form.Email, form.Phone) { SubmissionKey = submissionKey },
                caller, cancellationToken);
            if (outcome is Done<PyPyLeads.Companies.AddPerson.Added> done)
            {
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Show), new { id });
            }
            switch (outcome)
            {
                case Invalid invalid:
                    ModelState.AddErrors(invalid);
                    break;
                case DuplicatesFound<PersonMatch> duplicates:
                    ModelState.AddModelError(nameof(PersonForm.Email), duplicates.Message);
                    break;
                default:
                    return this.Refused(outcome);
            }
        }
        var name = await db.Companies.Where(c => c.Id == id && c.DeletedAtUtc == null).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);
        return name is null ? NotFound() : View("~/Features/People/Edit.cshtml", new PersonEditPage { CompanyId = id, CompanyName = name, Form = form });
    }

    /// <summary>
    /// Companies and their people as CSV (one line per person; a company without people gets one line), with the list's
    /// filters: for admins and members allowed to (<see cref="ExportCompanies"/>, which records each export).
    /// </summary>
    [HttpGet("export.csv")]
    public async Task<IActionResult> Export([FromQuery] CompanyListQuery query, [FromServices] ExportCompanies exportCompanies, CancellationToken cancellationToken)
    {
        var started = await exportCompanies.RunAsync(new ExportCompanies.Input(ExportKinds.CompaniesCsv, Request.QueryString.Value, ClientAddress.Of(HttpContext)),
            await User.CallerAsync(db, cancellationToken), cancellationToken);
        if (started is not Done<ExportCompanies.Started> done)
        {
            return this.Refused(started);
        }
        var consultancies = await db.Consultancies.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var rows = from c in await FilterAsync(db, query, cancellationToken)
                   from p in db.People.Where(p => p.CompanyId == c.Id && p.DeletedAtUtc == null).DefaultIfEmpty()
                   orderby c.NameKey, c.Id, p == null ? 0 : p.Id
                   select new { c.Name, c.WebDomain, c.City, c.Country, c.Industry, c.Source, c.ConsultancyId, c.Notes,
                                Person = p == null ? null : p.Name, Role = p == null ? null : p.Role, Email = p == null ? null : p.Email, Phone = p == null ? null : p.Phone };
        var today = Zones.Today(clock, "UTC").ToString("yyyy-MM-dd", Invariant);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"pypyleads-companies-{today}.csv\"";
        // UTF-8 with a byte-order mark, so spreadsheets show "Fijałkowski" rather than mojibake.
        long written = 0;
        var complete = false;
        try
        {
            await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await CompanyCsv.WriteAsync(writer, rows.AsNoTracking().AsAsyncEnumerable().Select(r =>
            {
                written++;
                return new[]
                {
                    r.Name, r.WebDomain, r.City, r.Country, r.Industry, LeadSources.Label(r.Source),
                    r.ConsultancyId is { } cid ? consultancies.GetValueOrDefault(cid) : null, r.Notes, r.Person, r.Role, r.Email, r.Phone,
                };
            }), cancellationToken);
            complete = true;
        }
        finally
        {
            await exportCompanies.FinishAsync(done.Value.RecordId, written, complete);
        }
        return new EmptyResult();
    }

    /// <summary>The list's search and filters (the API's company list applies the same).</summary>
    internal static async Task<IQueryable<Company>> FilterAsync(LeadsDbContext db, CompanyListQuery query, CancellationToken cancellationToken)
    {
        var companies = await db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null).MatchingAsync(db, query.Q, cancellationToken);
        if (query.Stop is { } stop)
        {
            companies = companies.Where(c => db.Encounters.Any(e => e.CompanyId == c.Id && e.TourStopId == stop));
        }
        if (query.Consultancy == "none")
        {
            companies = companies.Where(c => c.ConsultancyId == null);
        }
        else if (int.TryParse(query.Consultancy, NumberStyles.None, Invariant, out var consultancy))
        {
            companies = companies.Where(c => c.ConsultancyId == consultancy);
        }
        if (query.Interest is { } interest && interest != Interests.None)
        {
            companies = companies.Where(c => db.Encounters.Any(e => e.CompanyId == c.Id && (e.Interests & interest) != 0));
        }
        return companies;
    }

    internal sealed record PageKey(string NameKey, DateTime CreatedAtUtc, int Id)
    {
        public Cursor Cursor(string sort) => new(sort == CompanySorts.Name ? NameKey : CreatedAtUtc.Ticks.ToString(Invariant), Id);
    }

    /// <summary>The rows after (or before) a cursor in the chosen order, as their sort keys and id.</summary>
    internal static IQueryable<PageKey> Page(IQueryable<Company> companies, string sort, Cursor? after, Cursor? before)
    {
        if (sort == CompanySorts.Name)
        {
            if (after is { } a)
            {
                companies = companies.Where(c => string.Compare(c.NameKey, a.Key) >= 0 && (string.Compare(c.NameKey, a.Key) > 0 || c.Id > a.Id));
            }
            if (before is { } b)
            {
                return companies.Where(c => string.Compare(c.NameKey, b.Key) <= 0 && (string.Compare(c.NameKey, b.Key) < 0 || c.Id < b.Id))
                    .OrderByDescending(c => c.NameKey).ThenByDescending(c => c.Id).Select(c => new PageKey(c.NameKey, c.CreatedAtUtc, c.Id));
            }
            return companies.OrderBy(c => c.NameKey).ThenBy(c => c.Id).Select(c => new PageKey(c.NameKey, c.CreatedAtUtc, c.Id));
        }
        var newest = sort == CompanySorts.Newest;
        var position = after ?? before;
        DateTime? at = position is not null && long.TryParse(position.Key, NumberStyles.None, Invariant, out var ticks) ? new DateTime(ticks, DateTimeKind.Utc) : null;
        var id = position?.Id ?? 0;
        // Reading forwards in "newest first" is reading backwards in time, and the other way round.
        var backwardsInTime = newest == (before is null);
        if (at is { } t)
        {
            companies = backwardsInTime
                ? companies.Where(c => c.CreatedAtUtc <= t && (c.CreatedAtUtc < t || c.Id < id))
                : companies.Where(c => c.CreatedAtUtc >= t && (c.CreatedAtUtc > t || c.Id > id));
        }
        var ordered = backwardsInTime
            ? companies.OrderByDescending(c => c.CreatedAtUtc).ThenByDescending(c => c.Id)
            : companies.OrderBy(c => c.CreatedAtUtc).ThenBy(c => c.Id);
        return ordered.Select(c => new PageKey(c.NameKey, c.CreatedAtUtc, c.Id));
    }

    /// <summary>The tour stops are reference data, seeded from the same list by the migrations: no query needed.</summary>
    private static List<SelectListItem> StopItems() =>
        ReferenceData.TourStops.OrderBy(s => s.Sequence).Select(s => new SelectListItem(TourSchedule.Label(s), s.Id.ToString(Invariant))).ToList();

    /// <summary>The edit form again, with what this user typed (and the companies it would duplicate, if any).</summary>
    private async Task<IActionResult> EditFormAsync(int id, CompanyForm form, CancellationToken cancellationToken, IReadOnlyList<CompanyMatch>? duplicates = null)
    {
        var name = await db.Companies.Where(c => c.Id == id && c.DeletedAtUtc == null).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);
        return name is null ? NotFound() : View(nameof(Edit), EditPage(id, name, form, duplicates));
    }

    private static CompanyEditPage EditPage(int id, string currentName, CompanyForm form, IReadOnlyList<CompanyMatch>? duplicates = null) => new()
    {
        Id = id, CurrentName = currentName, Form = form, Stops = StopItems(), Duplicates = duplicates ?? [],
    };

    private static CompanyEditPage NewPage(CompanyForm form, IReadOnlyList<CompanyMatch>? duplicates = null) => new()
    {
        Id = null, CurrentName = "New company", Form = form, Stops = StopItems(), Duplicates = duplicates ?? [],
    };

    /// <summary>A refused save: the form keeps what this user typed, shows what the other person saved, and takes the new version.</summary>
    private CompanyEditPage ConflictPage(int id, EditCompany.Current theirs, CompanyForm mine)
    {
        var stops = ReferenceData.TourStops.ToDictionary(s => s.Id, s => s.Name);
        var differing = new Dictionary<string, string?>();
        void Compare(string field, string? saved, string? typed)
        {
            if (!string.Equals(CompanyRules.Clean(saved), CompanyRules.Clean(typed), StringComparison.Ordinal))
            {
                differing[field] = saved;
            }
        }
        Compare(nameof(CompanyForm.Name), theirs.Name, mine.Name);
        Compare(nameof(CompanyForm.WebDomain), theirs.WebDomain, mine.WebDomain);
        Compare(nameof(CompanyForm.City), theirs.City, mine.City);
        Compare(nameof(CompanyForm.Country), theirs.Country, mine.Country);
        Compare(nameof(CompanyForm.Industry), theirs.Industry, mine.Industry);
        Compare(nameof(CompanyForm.Notes), theirs.Notes, mine.Notes);
        Compare(nameof(CompanyForm.Source), LeadSources.Label(theirs.Source), mine.Source is { } m ? LeadSources.Label(m) : null);
        Compare(nameof(CompanyForm.SourceTourStopId), theirs.SourceTourStopId is { } a ? stops.GetValueOrDefault(a) : null,
            mine.SourceTourStopId is { } b ? stops.GetValueOrDefault(b) : null);
        mine.Version = theirs.Version;
        ModelState.Remove(nameof(CompanyForm.Version));
        return new CompanyEditPage
        {
            Id = id, CurrentName = theirs.Name, Form = mine, Stops = StopItems(), Theirs = differing, ConflictBy = theirs.EditedBy ?? "someone else",
        };
    }


    /// <summary>Whether to show a form that changes a company of <paramref name="consultancyId"/> (its use case refuses the rest anyway).</summary>
    private async Task<bool> MayChangeAsync(int? consultancyId, CancellationToken cancellationToken) =>
        (await Viewer.LoadAsync(db, User, cancellationToken)).MayChange(consultancyId);

    private async Task<MergeCandidate?> CandidateAsync(int id, CancellationToken cancellationToken) =>
        (await CandidatesAsync([id], cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<MergeCandidate>> CandidatesAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken) =>
        await db.Companies.AsNoTracking().Where(c => ids.Contains(c.Id) && c.DeletedAtUtc == null).OrderBy(c => c.NameKey)
            .Select(c => new MergeCandidate(c.Id, c.Name, c.WebDomain, c.City,
                db.People.Count(p => p.CompanyId == c.Id && p.DeletedAtUtc == null), db.Encounters.Count(e => e.CompanyId == c.Id), c.CreatedAtUtc, c.Version) { ConsultancyId = c.ConsultancyId })
            .ToListAsync(cancellationToken);
}

/// <summary>The number of live companies, with the pipeline stamp it holds for (a singleton).</summary>
public sealed class CompanyTotalCache : LastValueCache<long, int>;
