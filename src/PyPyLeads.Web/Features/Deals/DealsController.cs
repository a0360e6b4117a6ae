using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Time;
using PyPyLeads.Tour;
using PyPyLeads.Users;
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
    BoardSumsCache sumsCache,
    ILogger<DealsController> logger) : Controller
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
        var deal = await LoadAsync(id, tracked: false, cancellationToken);
        if (deal is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        var move = new MoveDealForm { Stage = NextStage(deal.Stage), Version = deal.Version };
        return View("Details", await DealPageAsync(deal, viewer, move, conflict: null, cancellationToken));
    }

    [HttpPost("{id:int}/move")]
    public async Task<IActionResult> Move(int id, MoveDealForm form, CancellationToken cancellationToken)
    {
        var deal = await LoadAsync(id, tracked: true, cancellationToken);
        if (deal is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        if (!viewer.CanEdit(deal.ConsultancyId))
        {
            return Forbid();
        }
        if (deal.Version != form.Version)
        {
            return await MoveConflictAsync(deal, viewer, form, cancellationToken);
        }
        if (ModelState.IsValid && form.Stage == deal.Stage)
        {
            ModelState.AddModelError(nameof(form.Stage), $"It is already in {deal.Stage}.");
        }
        if (ModelState.IsValid && form.Stage == DealStage.Won && deal.ValueMinor is null)
        {
            ModelState.AddModelError(nameof(form.Stage), "A won deal needs its value: edit the deal and enter it first.");
        }
        if (!ModelState.IsValid)
        {
            return View("Details", await DealPageAsync(deal, viewer, form, conflict: null, cancellationToken));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var from = deal.Stage;
        var reason = form.Stage == DealStage.Lost ? form.LostReason : null;
        deal.MoveTo(form.Stage!.Value, reason, now, viewer.Id, viewer.Name);
        db.Timeline.Add(DealTimeline.Entry(deal.CompanyId, now, DealTimeline.StageChanged,
            $"{Capitalised(DealTimeline.Describe(deal))} moved from {from} to {deal.Stage}", reason, viewer.Id, viewer.Name, DealTimeline.SubjectType, deal.Id));
        db.Entry(deal).Property(d => d.Version).OriginalValue = form.Version;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await MoveConflictAsync((await LoadAsync(id, tracked: false, cancellationToken))!, viewer, form, cancellationToken);
        }
        logger.LogInformation("{User} moved deal {DealId} from {From} to {To}", viewer.Name, deal.Id, from, deal.Stage);
        TempData.Done($"Deal #{deal.Id} ({deal.Company!.Name}) moved from {from} to {deal.Stage}.");
        return LocalRedirect(Url.IsLocalUrl(form.ReturnUrl) ? form.ReturnUrl! : $"/deals/{deal.Id}");
    }

    [HttpGet("new")]
    public async Task<IActionResult> New(int? companyId, string? q, CancellationToken cancellationToken)
    {
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        if (companyId is null)
        {
            return View("PickCompany", await PickCompanyAsync(q, viewer, cancellationToken));
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
    public async Task<IActionResult> New(DealForm form, CancellationToken cancellationToken)
    {
        var company = form.CompanyId is { } companyId ? await LiveCompanyAsync(companyId, cancellationToken) : null;
        if (company is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        // A member adds deals to their own consultancy's leads, owned by themselves; whatever else they post is ignored.
        if (!viewer.IsAdmin)
        {
            if (company.ConsultancyId is not { } leadConsultancy || !viewer.CanEdit(leadConsultancy))
            {
                return Forbid();
            }
            form.ConsultancyId = leadConsultancy;
            form.OwnerUserId = viewer.Id;
            ModelState.Remove(nameof(form.ConsultancyId));
        }
        else
        {
            form.ConsultancyId ??= company.ConsultancyId;
            form.OwnerUserId ??= viewer.Id;
        }
        var today = viewer.Today(clock);
        if (ModelState.IsValid && form.ParsedExpectedCloseOn < today)
        {
            ModelState.AddModelError(nameof(form.ExpectedCloseOn), $"The expected close cannot be before the deal is created ({Show.Date(today)}).");
        }
        await CheckConsultancyAndOwnerAsync(form, existing: null, cancellationToken);
        if (!ModelState.IsValid)
        {
            return View("Form", await FormPageAsync(null, company, form, viewer, stage: null, conflict: null, [], cancellationToken));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var stage = form.Stage ?? DealStage.New;
        var probability = form.ParsedProbability;
        var strategy = db.Database.CreateExecutionStrategy();
        // The timeline line names the deal's id, which the first save assigns; both saves share one transaction.
        var dealId = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var deal = new Deal
            {
                CompanyId = company.Id, ConsultancyId = form.ConsultancyId!.Value, Kind = form.Kind!.Value, Title = form.Title, Stage = stage,
                Currency = form.Currency!, ValueMinor = form.ParsedValue is { } v ? Money.ToMinor(v, form.Currency!) : null,
                Probability = probability ?? stage.DefaultProbability(), ProbabilityOverridden = probability is not null,
                ExpectedCloseOn = form.ParsedExpectedCloseOn!.Value, OwnerUserId = form.OwnerUserId!, Notes = form.Notes,
                CreatedAtUtc = now, CreatedByUserId = viewer.Id, StageChangedAtUtc = now, LastActivityAtUtc = now,
                StageChanges = [new DealStageChange { FromStage = null, ToStage = stage, AtUtc = now, ByUserId = viewer.Id, ByName = viewer.Name }],
            };
            db.Deals.Add(deal);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            db.Timeline.Add(DealTimeline.Entry(company.Id, now, DealTimeline.Created,
                $"New {DealTimeline.Describe(deal)} for {Show.Consultancy(deal.ConsultancyId)}: {Show.Value(deal.ValueMinor, deal.Currency)}, {stage}, expected to close {Show.Date(deal.ExpectedCloseOn)}",
                deal.Notes, viewer.Id, viewer.Name, DealTimeline.SubjectType, deal.Id));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return deal.Id;
        });
        logger.LogInformation("{User} created deal {DealId} for company {CompanyId}", viewer.Name, dealId, company.Id);
        TempData.Done($"Deal #{dealId} created.");
        return Redirect($"/deals/{dealId}");
    }

    [HttpGet("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, CancellationToken cancellationToken)
    {
        var deal = await LoadAsync(id, tracked: false, cancellationToken);
        if (deal is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        if (!viewer.CanEdit(deal.ConsultancyId))
        {
            return Forbid();
        }
        return View("Form", await FormPageAsync(deal.Id, deal.Company!, FormOf(deal), viewer, deal.Stage, conflict: null, [], cancellationToken));
    }

    [HttpPost("{id:int}/edit")]
    public async Task<IActionResult> Edit(int id, DealForm form, CancellationToken cancellationToken)
    {
        var deal = await LoadAsync(id, tracked: true, cancellationToken);
        if (deal is null)
        {
            return NotFound();
        }
        var viewer = await Viewer.LoadAsync(db, User, cancellationToken);
        if (!viewer.CanEdit(deal.ConsultancyId))
        {
            return Forbid();
        }
        // Only admins move a deal to the other consultancy or hand it to someone else; the company never changes here.
        if (!viewer.IsAdmin)
        {
            form.ConsultancyId = deal.ConsultancyId;
            form.OwnerUserId = deal.OwnerUserId;
            ModelState.Remove(nameof(form.ConsultancyId));
        }
        form.ConsultancyId ??= deal.ConsultancyId;
        form.OwnerUserId ??= deal.OwnerUserId;
        form.CompanyId = deal.CompanyId;
        form.Stage = null;
        if (deal.Version != form.Version)
        {
            return await EditConflictAsync(deal, form, viewer, cancellationToken);
        }
        if (ModelState.IsValid && form.ParsedExpectedCloseOn is { } closeOn && closeOn != deal.ExpectedCloseOn && closeOn < viewer.DateOf(deal.CreatedAtUtc))
        {
            ModelState.AddModelError(nameof(form.ExpectedCloseOn), $"The expected close cannot be before the deal was created ({Show.Date(viewer.DateOf(deal.CreatedAtUtc))}).");
        }
        if (ModelState.IsValid && deal.Stage == DealStage.Won && form.ParsedValue is null)
        {
            ModelState.AddModelError(nameof(form.Value), "A won deal needs its value.");
        }
        var owners = await CheckConsultancyAndOwnerAsync(form, deal, cancellationToken);
        if (!ModelState.IsValid)
        {
            return View("Form", await FormPageAsync(deal.Id, deal.Company!, form, viewer, deal.Stage, conflict: null, [], cancellationToken));
        }

        string NameOf(string userId) => owners.FirstOrDefault(o => o.Id == userId)?.Name ?? (deal.Owner?.Id == userId ? deal.Owner.DisplayName : userId);
        var before = Snapshot(deal, NameOf);
        var probability = form.ParsedProbability;
        deal.Kind = form.Kind!.Value;
        deal.Title = form.Title;
        deal.Currency = form.Currency!;
        deal.ValueMinor = form.ParsedValue is { } v ? Money.ToMinor(v, form.Currency!) : null;
        deal.ExpectedCloseOn = form.ParsedExpectedCloseOn!.Value;
        deal.Notes = form.Notes;
        deal.ConsultancyId = form.ConsultancyId!.Value;
        deal.OwnerUserId = form.OwnerUserId!;
        if (deal.Stage.IsOpen())
        {
            deal.Probability = probability ?? deal.Stage.DefaultProbability();
            deal.ProbabilityOverridden = probability is not null;
        }
        var after = Snapshot(deal, NameOf);
        var changes = before.Keys.Where(k => before[k] != after[k]).Select(k => $"{k}: {before[k]} → {after[k]}").ToList();
        if (changes.Count == 0)
        {
            TempData.Done("Nothing changed.");
            return Redirect($"/deals/{deal.Id}");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        deal.LastActivityAtUtc = now;
        var summary = before["Consultancy"] != after["Consultancy"]
            ? $"{Capitalised(DealTimeline.Describe(deal))} moved from {before["Consultancy"]} to {after["Consultancy"]}"
            : $"{Capitalised(DealTimeline.Describe(deal))} edited";
        db.Timeline.Add(DealTimeline.Entry(deal.CompanyId, now, DealTimeline.Edited, summary, string.Join("\n", changes), viewer.Id, viewer.Name,
            DealTimeline.SubjectType, deal.Id));
        db.Entry(deal).Property(d => d.Version).OriginalValue = form.Version;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await EditConflictAsync((await LoadAsync(id, tracked: false, cancellationToken))!, form, viewer, cancellationToken);
        }
        logger.LogInformation("{User} edited deal {DealId}: {Changes}", viewer.Name, deal.Id, string.Join("; ", changes));
        TempData.Done($"Deal #{deal.Id} saved.");
        return Redirect($"/deals/{deal.Id}");
    }

    private static Dictionary<string, string> Snapshot(Deal deal, Func<string, string> ownerName) => new()
    {
        ["Kind"] = deal.Kind.ToString(),
        ["Title"] = deal.Title ?? "(none)",
        ["Value"] = Show.Value(deal.ValueMinor, deal.Currency),
        ["Probability"] = deal.Probability.ToString(CultureInfo.InvariantCulture) + " %" + (deal.ProbabilityOverridden ? "" : " (stage default)"),
        ["Expected close"] = Show.Date(deal.ExpectedCloseOn),
        ["Notes"] = deal.Notes ?? "(none)",
        ["Consultancy"] = Show.Consultancy(deal.ConsultancyId),
        ["Owner"] = ownerName(deal.OwnerUserId),
    };

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static DealStage? NextStage(DealStage stage) => stage switch
    {
        DealStage.Negotiation => DealStage.Won,
        var s when s.IsOpen() => s + 1,
        _ => DealStage.New,
    };

    private decimal Convert(long minor, string currency) => Money.FromMinor(minor, currency) * (_reporting.RateOf(currency) ?? 0m);

    private Task<Deal?> LoadAsync(int id, bool tracked, CancellationToken cancellationToken)
    {
        var deals = tracked ? db.Deals : db.Deals.AsNoTracking();
        return deals.Include(d => d.Company).Include(d => d.Owner).SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
    }

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

    /// <summary>A deal needs a consultancy, and an owner who may edit it; an unchanged owner of an existing deal is left alone.</summary>
    private async Task<List<OwnerChoice>> CheckConsultancyAndOwnerAsync(DealForm form, Deal? existing, CancellationToken cancellationToken)
    {
        var owners = await Owners(cancellationToken);
        if (ModelState.GetFieldValidationState(nameof(form.ConsultancyId)) == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
        {
            return owners;
        }
        if (form.ConsultancyId is null)
        {
            ModelState.AddModelError(nameof(form.ConsultancyId), "This lead is not assigned yet: choose Open End or merlinux.");
            return owners;
        }
        var unchanged = existing is not null && existing.OwnerUserId == form.OwnerUserId && existing.ConsultancyId == form.ConsultancyId;
        var owner = owners.FirstOrDefault(o => o.Id == form.OwnerUserId);
        if (!unchanged && (owner is null || !(owner.IsAdmin || owner.ConsultancyId == form.ConsultancyId)))
        {
            ModelState.AddModelError(nameof(form.OwnerUserId), $"Choose an owner from {Show.Consultancy(form.ConsultancyId)} or an admin.");
        }
        return owners;
    }

    private static DealForm FormOf(Deal deal) => new()
    {
        CompanyId = deal.CompanyId, Kind = deal.Kind, Title = deal.Title, Currency = deal.Currency,
        Value = deal.Value?.ToString("0.##########", CultureInfo.InvariantCulture),
        Probability = deal.ProbabilityOverridden ? deal.Probability.ToString(CultureInfo.InvariantCulture) : null,
        ExpectedCloseOn = deal.ExpectedCloseOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Notes = deal.Notes, ConsultancyId = deal.ConsultancyId, OwnerUserId = deal.OwnerUserId, Version = deal.Version,
    };

    private async Task<PickCompanyPage> PickCompanyAsync(string? q, Viewer viewer, CancellationToken cancellationToken)
    {
        var companies = db.Companies.AsNoTracking().Where(c => c.DeletedAtUtc == null);
        if (!string.IsNullOrWhiteSpace(q) && q.Length <= 200)
        {
            var key = CompanyKeys.Name(q);
            companies = companies.Where(c => c.NameKey.Contains(key));
        }
        else if (viewer.ConsultancyId is { } mine)
        {
            companies = companies.Where(c => c.ConsultancyId == mine);
        }
        var found = await companies.OrderBy(c => c.Name).ThenBy(c => c.Id).Take(20)
            .Select(c => new CompanyChoice(c.Id, c.Name, c.ConsultancyId)).ToListAsync(cancellationToken);
        return new PickCompanyPage(q, found, viewer);
    }

    private async Task<DealFormPage> FormPageAsync(int? dealId, Company company, DealForm form, Viewer viewer, DealStage? stage, string? conflict,
        IReadOnlyList<(string, string, string)> yourEntries, CancellationToken cancellationToken)
    {
        var owners = await Owners(cancellationToken);
        string? refusal = null;
        if (dealId is null && !viewer.IsAdmin)
        {
            refusal = company.ConsultancyId is null
                ? "This lead is not assigned yet: an admin assigns it to Open End or merlinux first."
                : !viewer.CanEdit(company.ConsultancyId.Value)
                    ? $"This lead is {Show.Consultancy(company.ConsultancyId)}'s: only its members and admins add deals to it."
                    : null;
        }
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

    /// <summary>Who last changed the deal and when, from its timeline lines.</summary>
    private async Task<string> LastChangeAsync(Deal deal, Viewer viewer, CancellationToken cancellationToken)
    {
        var last = await db.Timeline.AsNoTracking()
            .Where(t => t.CompanyId == deal.CompanyId && t.SubjectType == DealTimeline.SubjectType && t.SubjectId == deal.Id)
            .OrderByDescending(t => t.AtUtc).ThenByDescending(t => t.Id).Select(t => new { t.ActorName, t.AtUtc }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? "Someone" : $"{last.ActorName} ({viewer.Time(last.AtUtc)})";
    }

    private async Task<IActionResult> MoveConflictAsync(Deal current, Viewer viewer, MoveDealForm yours, CancellationToken cancellationToken)
    {
        ModelState.Clear();
        var who = await LastChangeAsync(current, viewer, cancellationToken);
        var move = new MoveDealForm { Stage = yours.Stage, LostReason = yours.LostReason, Version = current.Version, ReturnUrl = yours.ReturnUrl };
        var page = await DealPageAsync(current, viewer, move,
            $"{who} changed this deal while you were looking: it is now in {current.Stage}. Your move to {yours.Stage} was not made; here is the deal as it is now.",
            cancellationToken);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return View("Details", page);
    }

    private async Task<IActionResult> EditConflictAsync(Deal current, DealForm yours, Viewer viewer, CancellationToken cancellationToken)
    {
        ModelState.Clear();
        var now = FormOf(current);
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
        var who = await LastChangeAsync(current, viewer, cancellationToken);
        var page = await FormPageAsync(current.Id, current.Company!, now, viewer, current.Stage,
            $"{who} changed this deal while you were editing. Your changes were not saved: the form shows the deal as it is now, and your entries are listed below.",
            entries, cancellationToken);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return View("Form", page);
    }
}

/// <summary>One board column's deals in one currency: how many, their value and value times probability (minor units).</summary>
public sealed record BoardSum(DealStage Stage, string Currency, int Count, long Value, long Weighted);

/// <summary>The board's column sums per filter, for the pipeline stamp they hold for (a singleton).</summary>
public sealed class BoardSumsCache : StampedCache<List<BoardSum>>;
