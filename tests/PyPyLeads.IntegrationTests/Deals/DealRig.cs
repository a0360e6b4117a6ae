using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Deals;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>
/// The deal use cases on a real SQLite file, on the tour clock (2 March 2011, 09:00 Pacific), with an admin (Laura),
/// an Open End member (Jacob), a merlinux member (Holger) and a member of neither (Armin, in California).
/// </summary>
public sealed class DealRig : IAsyncDisposable
{
    public static readonly DateTime Start = new(2011, 3, 2, 17, 0, 0, DateTimeKind.Utc);

    private DealRig(UseCaseRig rig, FakeTimeProvider clock) => (Rig, Clock) = (rig, clock);

    public UseCaseRig Rig { get; }
    public FakeTimeProvider Clock { get; }
    public Caller Laura { get; private set; } = null!;
    public Caller Jacob { get; private set; } = null!;
    public Caller Holger { get; private set; } = null!;
    public Caller Armin { get; private set; } = null!;

    public static async Task<DealRig> StartAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Start));
        var rig = new DealRig(UseCaseRig.Start(app => app.Clock = clock), clock);
        rig.Laura = await rig.Rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true);
        rig.Jacob = await rig.Rig.UserAsync("Jacob Hallén", "jacob@openend.se", consultancyId: Consultancy.OpenEndId);
        rig.Holger = await rig.Rig.UserAsync("Holger Krekel", "holger@merlinux.eu", consultancyId: Consultancy.MerlinuxId);
        rig.Armin = await rig.Rig.UserAsync("Armin Rigo", "arigo@example.org", timeZoneId: "America/Los_Angeles");
        return rig;
    }

    public Task<int> CompanyAsync(string name, int? consultancyId) => Rig.CompanyAsync(name, c => c.ConsultancyId = consultancyId);

    public static OpenDeal.Input Opening(int companyId, string? value = "12000", string? currency = "EUR", string? closes = "2011-06-30",
        string? probability = null, string? title = "JIT consulting", string? notes = null, DealStage? stage = DealStage.New, DealKind? kind = DealKind.Consulting,
        int? consultancyId = null, string? ownerUserId = null) =>
        new(companyId, kind, title, stage, value, currency, probability, closes, notes, consultancyId, ownerUserId);

    public Task<Outcome> OpenAsync(OpenDeal.Input input, Caller caller) =>
        Rig.RunAsync<OpenDeal, Outcome>(u => u.RunAsync(input, caller, CancellationToken.None));

    /// <summary>Opens a deal (12,000 EUR, New, closing 30 June 2011) as the caller and returns its id.</summary>
    public async Task<int> DealAsync(int companyId, Caller caller, string? value = "12000", int? consultancyId = null, string? ownerUserId = null) =>
        Assert.IsType<Done<OpenDeal.Opened>>(await OpenAsync(Opening(companyId, value: value, consultancyId: consultancyId, ownerUserId: ownerUserId), caller)).Value.DealId;

    public Task<Outcome> MoveAsync(int dealId, DealStage? stage, long version, Caller caller, string? lostReason = null) =>
        Rig.RunAsync<MoveDeal, Outcome>(u => u.RunAsync(new MoveDeal.Input(dealId, stage, lostReason, version), caller, CancellationToken.None));

    public static EditDeal.Input Editing(int dealId, long version, string? value = "12000", string? currency = "EUR", string? closes = "2011-06-30",
        string? probability = null, string? title = "JIT consulting", string? notes = null, DealKind? kind = DealKind.Consulting,
        int? consultancyId = null, string? ownerUserId = null) =>
        new(dealId, kind, title, value, currency, probability, closes, notes, consultancyId, ownerUserId, version);

    public Task<Outcome> EditAsync(EditDeal.Input input, Caller caller) =>
        Rig.RunAsync<EditDeal, Outcome>(u => u.RunAsync(input, caller, CancellationToken.None));

    public Task<Deal> ReadDealAsync(int id) => Rig.DbAsync(db => db.Deals.AsNoTracking().Include(d => d.StageChanges).SingleAsync(d => d.Id == id));

    public Task<List<PyPyLeads.Timeline.TimelineEntry>> TimelineAsync(int companyId) =>
        Rig.DbAsync(db => db.Timeline.AsNoTracking().Where(t => t.CompanyId == companyId).OrderBy(t => t.Id).ToListAsync());

    public ValueTask DisposeAsync() => Rig.DisposeAsync();
}
