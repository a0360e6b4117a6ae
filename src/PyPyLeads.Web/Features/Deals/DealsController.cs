using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Time;
using PyPyLeads.UseCases;
using PyPyLeads.Users;
using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Deals;

/// <summary>
/// Deals: the pipeline board, lists, a deal's page, new/edit and moves between stages. Everyone signed in sees
/// everything; members of the deal's consultancy and admins change a deal; only admins set its consultancy or owner.
/// </summary>
[Route("deals")]
public sealed class DealsController(
    LeadsDbContext db,
    TimeProvider clock,
    IOptions<ReportingOptions> reporting,
    IOptions<DealOptions> dealOptions,
    EurostarsCalendar eurostars,
    BoardSumsCache sumsCache) : Controller
{
    private const int ListPageSize = 50;
    private readonly ReportingOptions _reporting = reporting.Value;

    [HttpGet("")]
    public async Task<IActionResult> Board(DealFilter filter, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var limit = dealOptions.Value.BoardColumnLimit;
        var open = filter.Apply(db.Deals.AsNoTracking()).OpenOnly();
        // One grouped query for every column's count and sums, then one bounded query per column: never one per card.
        // The sums read every open deal (most of the page's time with 24,000), so they are kept per filter until the
        // pipeline stamp, which every deal change moves, says otherwise.
        var stamp = await ChangeStamp.ReadAsync(db, ChangeStamp.Pipeline, cancellationToken);
        if (!sumsCache.TryGet(stamp, filter.Query(), out var sums))
        {
            sums = await open.GroupBy(d => new { d.Stage, d.Currency })
                .Select(g => new BoardSum(g.Key.Stage, g.Key.Currency, g.Count(), g.Sum(d => d.ValueMinor ?? 0), g.Sum(d => (d.ValueMinor ?? 0) * d.Probability)))
                .ToListAsync(cancellationToken);
            sumsCache.Set(stamp, filter.Query(), sums);
        }
        // Every column's first cards in one statement (UNION ALL of one bounded, indexed query per stage), not one per column.
        IQueryable<Deal>? firstCards = null;
        foreach (var stage in DealStages.Open)
        {
            var column = open.Where(d => d.Stage == stage).OrderBy(d => d.ExpectedCloseOn).ThenBy(d => d.Id).Take(limit);
            firstCards = firstCards is null ? column : firstCards.Concat(column);
        }
        // A UNION promises no order, so each column is put back in the order its query took them in.
        var cardsByStage = (await Cards(firstCards!, cancellationToken)).OrderBy(c => c.ExpectedCloseOn).ThenBy(c => c.Id).ToLookup(c => c.Stage);
        var columns = new List<BoardColumn>();
        foreach (var stage in DealStages.Open)
        {
            var mine = sums.Where(s => s.Stage == stage).ToList();
            var convertible = mine.Where(s => _reporting.RateOf(s.Currency) is not null).ToList();
            var cards = cardsByStage[stage].ToList();
            columns.Add(new BoardColumn(stage, mine.Sum(s => s.Count),
                convertible.Sum(s => Convert(s.Weighted, s.Currency) / 100m), convertible.Sum(s => Convert(s.Value, s.Currency)),
                mine.Where(s => _reporting.RateOf(s.Currency) is null).Sum(s => s.Count), cards));
        }
        return View(new BoardPage(filter, columns, await Owners(cancellationToken), viewer, _reporting.Currency.ToUpperInvariant(), limit, eurostars.EndsOn,
            "/deals" + filter.Query()));
    }

    [HttpGet("list")]
    public async Task<IActionResult> List(DealListFilter filter, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var deals = filter.Apply(db.Deals.AsNoTracking());
        var heading = "All deals";
        if (filter.Stale)
        {
            deals = deals.StaleSince(db.Timeline, clock.GetUtcNow().UtcDateTime.AddDays(-dealOptions.Value.StaleAfterDays));
            heading = $"Stale deals (no activity for {dealOptions.Value.StaleAfterDays} days)";
        }
        else if (filter.Closing == "after-end")
        {
            deals = deals.ClosingAfter(eurostars.EndsOn);
            heading = $"Open deals closing after the Eurostars end ({Show.Date(eurostars.EndsOn)})";
        }
        if (filter.Stage is { } stage)
        {
            deals = deals.Where(d => d.Stage == stage);
            heading = filter.Stale || filter.Closing == "after-end" ? heading + $": {stage}" : $"Deals in {stage}";
        }
        var total = await deals.CountAsync(cancellationToken);
        var pageCount = Math.Max(1, (total + ListPageSize - 1) / ListPageSize);
        filter.Page = Math.Clamp(filter.Page, 1, pageCount);
        var ordered = filter.Stale
            ? deals.OrderBy(d => d.LastActivityAtUtc).ThenBy(d => d.Id)
            : deals.OrderBy(d => d.ExpectedCloseOn).ThenBy(d => d.Id);
        var rows = await Cards(ordered.Skip((filter.Page - 1) * ListPageSize).Take(ListPageSize), cancellationToken);
        return View(new DealListPage(filter, heading, rows, total, filter.Page, pageCount, await Owners(cancellationToken), viewer, eurostars.EndsOn));
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Details(int id, CancellationToken cancellationToken)
    {
        var deal = await LoadAsync(id, cancellationToken);
        if (deal is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var move = new MoveDealForm { Stage = NextStage(deal.Stage), Version = deal.Version };
        return View("Details", await DealPageAsync(deal, viewer, move, conflict: null, cancellationToken));
    }

    [HttpPost("{id:int}/move")]
    public async Task<IActionResult> Move(int id, MoveDealForm form, [FromServices] MoveDeal moveDeal, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() => moveDeal.RunAsync(form.ToInput(id), caller, cancellationToken));
        switch (outcome)
        {
            case Done<MoveDeal.Moved> done:
                TempData.Done(done.Value.Message);
                return Url.IsLocalUrl(form.ReturnUrl) ? LocalRedirect(form.ReturnUrl!) : RedirectToAction(nameof(Details), new { id });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                return await DetailsAsync(id, Viewer.Of(caller), form, conflict: null, cancellationToken);
            case Conflict<MoveDeal.Current> conflict:
                // Nothing moved: the deal as it is now, with the caller's move offered again on the current version.
                ModelState.Clear();
                Response.StatusCode = StatusCodes.Status409Conflict;
                var again = new MoveDealForm { Stage = form.Stage, LostReason = form.LostReason, Version = conflict.Current.Version, ReturnUrl = form.ReturnUrl };
                return await DetailsAsync(id, Viewer.Of(caller), again, conflict.Message, cancellationToken);
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("new")]
    public async Task<IActionResult> New(int? companyId, string? q, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        if (companyId is null)
        {
            return View("PickCompany", await PickCompanyPage.FindAsync(db, "New deal", q, viewer.ConsultancyId, cancellationToken));
        }
        var company = await LiveCompanyAsync(companyId.Value, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        var today = viewer.Today(clock);
        var form = new DealForm
        {
            CompanyId = company.Id, Kind = DealKind.Consulting, Stage = DealStage.New, Currency = _reporting.Currency.ToUpperInvariant(),
            ConsultancyId = company.ConsultancyId, OwnerUserId = viewer.Id,
            ExpectedCloseOn = today.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return View("Form", await FormPageAsync(null, company, form, viewer, stage: null, conflict: null, [], cancellationToken));
    }

    [HttpPost("new")]
    public async Task<IActionResult> New(DealForm form, string? submissionKey, [FromServices] OpenDeal openDeal, CancellationToken cancellationToken)
    {
        if (form.CompanyId is not { } companyId)
        {
            return NotFound();
        }
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() => openDeal.RunAsync(form.ToOpen(companyId) with { SubmissionKey = submissionKey }, caller, cancellationToken));
        switch (outcome)
        {
            case Done<OpenDeal.Opened> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Details), new { id = done.Value.DealId });
            case Invalid invalid:
                ModelState.AddErrors(invalid);
                var company = await LiveCompanyAsync(companyId, cancellationToken);
                if (company is null)
                {
                    return NotFound();
                }
                var viewer = Viewer.Of(caller);
                // Shown as the use case read them: a member's own consultancy and themselves, an admin's choice or the defaults.
                form.ConsultancyId = viewer.IsAdmin ? form.ConsultancyId ?? company.ConsultancyId : company.ConsultancyId;
                form.OwnerUserId = viewer.IsAdmin ? form.OwnerUserId ?? viewer.Id : viewer.Id;
                return View("Form", await FormPageAsync(null, company, form, viewer, stage: null, conflict: null, [], cancellationToken));
            default:
                return this.Refused(outcome);
        }
    }

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        var deal = await LoadAsync(id, cancellationToken);
        if (deal is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        if (!viewer.CanEdit(deal.ConsultancyId))
        {
            return Forbid();
        }
        return View("Form", await FormPageAsync(deal.Id, deal.Company!, DealForm.Of(EditDeal.Current.Of(deal)), viewer, deal.Stage, conflict: null, [], cancellationToken));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, DealForm form, [FromServices] EditDeal editDeal, CancellationToken cancellationToken)
    {
        var caller = await User.CallerAsync(db, cancellationToken);
        var outcome = await ModelState.RunWhenReadAsync(() => editDeal.RunAsync(form.ToEdit(id), caller, cancellationToken));
        switch (outcome)
        {
            case Done<EditDeal.Saved> done:
                TempData.Done(done.Value.Message);
                return RedirectToAction(nameof(Details), new { id });
            case Invalid invalid:
            {
                ModelState.AddErrors(invalid);
                var deal = await LoadAsync(id, cancellationToken);
                if (deal is null)
                {
                    return NotFound();
                }
                var viewer = Viewer.Of(caller);
                // Shown as the use case read them: only admins change the consultancy and owner; the company never changes here.
                form.ConsultancyId = viewer.IsAdmin ? form.ConsultancyId ?? deal.ConsultancyId : deal.ConsultancyId;
                form.OwnerUserId = viewer.IsAdmin ? form.OwnerUserId ?? deal.OwnerUserId : deal.OwnerUserId;
                form.CompanyId = deal.CompanyId;
                form.Stage = null;
                return View("Form", await FormPageAsync(deal.Id, deal.Company!, form, viewer, deal.Stage, conflict: null, [], cancellationToken));
            }
            case Conflict<EditDeal.Current> conflict:
                return await EditConflictAsync(conflict, form, Viewer.Of(caller), cancellationToken);
            default:
                return this.Refused(outcome);
        }
    }

    private static DealStage? NextStage(DealStage stage) => stage switch
    {
        DealStage.Negotiation => DealStage.Won,
        var s when s.IsOpen() => s + 1,
        _ => DealStage.New,
    };

    private decimal Convert(long minor, string currency) => Money.FromMinor(minor, currency) * (_reporting.RateOf(currency) ?? 0m);

    private Task<Deal?> LoadAsync(int id, CancellationToken cancellationToken) =>
        db.Deals.AsNoTracking().Include(d => d.Company).Include(d => d.Owner).SingleOrDefaultAsync(d => d.Id == id, cancellationToken);

    private Task<Company?> LiveCompanyAsync(int id, CancellationToken cancellationToken) =>
        db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.DeletedAtUtc == null, cancellationToken);

    private static Task<List<DealCard>> Cards(IQueryable<Deal> deals, CancellationToken cancellationToken) =>
        deals.Select(d => new DealCard(d.Id, d.Company!.Name, d.Title, d.Kind, d.Stage, d.ValueMinor, d.Currency, d.Probability, d.ExpectedCloseOn,
            d.Owner!.DisplayName, d.ConsultancyId, d.Version)).ToListAsync(cancellationToken);

    /// <summary>Who may own deals: consultancy staff and admins (those who may edit one).</summary>
    private async Task<List<OwnerChoice>> Owners(CancellationToken cancellationToken)
    {
        var adminIds = from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == Roles.Admin select ur.UserId;
        return await db.Users.AsNoTracking().Where(u => u.ConsultancyId != null || adminIds.Contains(u.Id)).OrderBy(u => u.DisplayName)
            .Select(u => new OwnerChoice(u.Id, u.DisplayName, u.ConsultancyId, adminIds.Contains(u.Id))).Take(500).ToListAsync(cancellationToken);
    }

    private async Task<DealFormPage> FormPageAsync(int? dealId, Company company, DealForm form, Viewer viewer, DealStage? stage, string? conflict,
        IReadOnlyList<(string, string, string)> yourEntries, CancellationToken cancellationToken)
    {
        var owners = await Owners(cancellationToken);
        var refusal = dealId is null ? OpenDeal.Refusal(company.ConsultancyId, viewer.AsCaller())?.Message : null;
        var currencies = _reporting.Currencies.ToList();
        if (form.Currency is { } current && !currencies.Contains(current) && Money.IsKnown(current))
        {
            currencies.Add(current); // a deal kept in a currency whose rate was removed from the settings
        }
        return new DealFormPage(dealId, company.Id, company.Name, company.ConsultancyId, form, viewer, currencies, owners,
            owners.FirstOrDefault(o => o.Id == form.OwnerUserId)?.Name, stage, refusal, conflict, yourEntries);
    }

    private async Task<DealPage> DealPageAsync(Deal deal, Viewer viewer, MoveDealForm move, string? conflict, CancellationToken cancellationToken)
    {
        var history = await db.DealStageChanges.AsNoTracking().Where(c => c.DealId == deal.Id).OrderByDescending(c => c.AtUtc).ThenByDescending(c => c.Id)
            .Take(200).ToListAsync(cancellationToken);
        var view = new DealView(deal.Id, deal.CompanyId, deal.Company!.Name, deal.Company.ConsultancyId, deal.Title, deal.Kind, deal.Stage, deal.ValueMinor,
            deal.Currency, deal.Probability, deal.ProbabilityOverridden, deal.ExpectedCloseOn, deal.Owner!.DisplayName, deal.ConsultancyId, deal.Notes,
            deal.LostReason, viewer.Time(deal.CreatedAtUtc), viewer.Time(deal.LastActivityAtUtc), deal.Version, deal.WeightedValue);
        return new DealPage(view, history.Select(h => new HistoryLine(viewer.Time(h.AtUtc), h.ByName, h.FromStage, h.ToStage, h.Reason)).ToList(),
            viewer.CanEdit(deal.ConsultancyId), move, conflict, eurostars.EndsOn);
    }

    /// <summary>The deal's page with the move form as given (after a refused move); 404 when the deal is gone.</summary>
    private async Task<IActionResult> DetailsAsync(int id, Viewer viewer, MoveDealForm move, string? conflict, CancellationToken cancellationToken)
    {
        var deal = await LoadAsync(id, cancellationToken);
        return deal is null ? NotFound() : View("Details", await DealPageAsync(deal, viewer, move, conflict, cancellationToken));
    }

    /// <summary>The form on the deal as it is now, with what the caller entered listed beside it (409).</summary>
    private async Task<IActionResult> EditConflictAsync(Conflict<EditDeal.Current> conflict, DealForm yours, Viewer viewer, CancellationToken cancellationToken)
    {
        ModelState.Clear();
        var current = conflict.Current;
        var now = DealForm.Of(current);
        var entries = new List<(string, string, string)>();
        void Compare(string field, string? mine, string? theirs)
        {
            if (!string.Equals(mine ?? "", theirs ?? "", StringComparison.Ordinal))
            {
                entries.Add((field, mine ?? "", theirs ?? ""));
            }
        }
        Compare("Kind", yours.Kind?.ToString(), now.Kind?.ToString());
        Compare("Title", yours.Title, now.Title);
        Compare("Value", yours.Value, now.Value);
        Compare("Currency", yours.Currency, now.Currency);
        Compare("Probability", yours.Probability, now.Probability);
        Compare("Expected close", yours.ExpectedCloseOn, now.ExpectedCloseOn);
        Compare("Notes", yours.Notes, now.Notes);
        var company = await db.Companies.AsNoTracking().SingleAsync(c => c.Id == current.CompanyId, cancellationToken);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return View("Form", await FormPageAsync(current.DealId, company, now, viewer, current.Stage, conflict.Message, entries, cancellationToken));
    }
}

/// <summary>One board column's deals in one currency: how many, their value and value times probability (minor units).</summary>
public sealed record BoardSum(DealStage Stage, string Currency, int Count, long Value, long Weighted);

/// <summary>The board's column sums per filter, for the pipeline stamp they hold for (a singleton).</summary>
public sealed class BoardSumsCache : StampedCache<List<BoardSum>>;
