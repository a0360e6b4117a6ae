using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>
/// The app on the tour clock with an admin (Laura), an Open End member, a merlinux member, a member of neither
/// consultancy and an anonymous visitor, each with their own signed-in client.
/// </summary>
public sealed class DealsWorld : IAsyncDisposable
{
    // 2 March 2011, 09:00 Pacific.
    public static readonly DateTimeOffset Start = new(2011, 3, 2, 17, 0, 0, TimeSpan.Zero);

    private DealsWorld(LeadsApp app, FakeTimeProvider clock)
    {
        App = app;
        Clock = clock;
    }

    public LeadsApp App { get; }
    public FakeTimeProvider Clock { get; }
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient OpenEnd { get; private set; } = null!;
    public HttpClient Merlinux { get; private set; } = null!;
    public HttpClient Neither { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;

    public static async Task<DealsWorld> StartAsync(Action<LeadsApp>? configure = null, bool withMembers = true)
    {
        var clock = new FakeTimeProvider(Start);
        var app = new LeadsApp { Clock = clock };
        configure?.Invoke(app);
        var world = new DealsWorld(app, clock) { Admin = app.Client(), Anonymous = app.Client() };
        await People.SetUpAsync(world.Admin);
        if (withMembers)
        {
            world.OpenEnd = await People.MemberAsync(app, world.Admin, "Jacob Hallén", "jacob@openend.se", consultancyId: Consultancy.OpenEndId);
            world.Merlinux = await People.MemberAsync(app, world.Admin, "Holger Krekel", "holger@merlinux.eu", consultancyId: Consultancy.MerlinuxId);
            world.Neither = await People.MemberAsync(app, world.Admin, "Armin Rigo", "arigo@example.org");
        }
        return world;
    }

    public async Task<T> DbAsync<T>(Func<LeadsDbContext, Task<T>> work)
    {
        using var scope = App.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    public Task<string> UserIdAsync(string email) => DbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    public Task<int> CompanyAsync(string name, int? consultancyId = null, DateTime? createdAtUtc = null) => DbAsync(async db =>
    {
        var company = new Company
        {
            Name = name, NameKey = CompanyKeys.Name(name), ConsultancyId = consultancyId, Source = LeadSource.TourStop,
            CreatedAtUtc = createdAtUtc ?? Start.UtcDateTime,
        };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return company.Id;
    });

    /// <summary>A deal written straight to the database, for tests about reading deals.</summary>
    public Task<int> DealAsync(int companyId, int consultancyId, string ownerEmail, DealStage stage = DealStage.New, long? valueMinor = 1_000_000,
        string currency = "EUR", int? probability = null, DateOnly? closesOn = null, DealKind kind = DealKind.Consulting, DateTime? lastActivityUtc = null) =>
        DbAsync(async db =>
        {
            var owner = await db.Users.Where(u => u.Email == ownerEmail).Select(u => u.Id).SingleAsync();
            var now = Start.UtcDateTime;
            var deal = new Deal
            {
                CompanyId = companyId, ConsultancyId = consultancyId, Kind = kind, Stage = stage, ValueMinor = valueMinor, Currency = currency,
                Probability = probability ?? stage.DefaultProbability(), ProbabilityOverridden = probability is not null,
                ExpectedCloseOn = closesOn ?? new DateOnly(2011, 6, 30), OwnerUserId = owner, CreatedByUserId = owner,
                CreatedAtUtc = now, StageChangedAtUtc = now, LastActivityAtUtc = lastActivityUtc ?? now,
                LostReason = stage == DealStage.Lost ? "test" : null,
            };
            db.Deals.Add(deal);
            await db.SaveChangesAsync();
            return deal.Id;
        });

    public Task<Deal> ReadDealAsync(int id) => DbAsync(db => db.Deals.AsNoTracking().Include(d => d.StageChanges).SingleAsync(d => d.Id == id));

    public Task<int> TimelineCountAsync(int companyId) => DbAsync(db => db.Timeline.CountAsync(t => t.CompanyId == companyId));

    /// <summary>Posts fields with the client's antiforgery token (taken from the layout's sign-out form), as a forged or stale page would.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, IDictionary<string, string> fields)
    {
        var values = new Dictionary<string, string>(fields);
        var home = await client.GetAsync("/");
        if (home.StatusCode == HttpStatusCode.OK)
        {
            var page = await home.ReadPageAsync();
            values["__RequestVerificationToken"] = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        }
        return await client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    public static string Text(IHtmlDocument page, string testId) =>
        page.QuerySelector($"[data-testid='{testId}']")?.TextContent.Trim() ?? throw new InvalidOperationException($"No {testId} on the page: {page.Body?.TextContent[..Math.Min(page.Body.TextContent.Length, 500)]}");

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
    }
}
