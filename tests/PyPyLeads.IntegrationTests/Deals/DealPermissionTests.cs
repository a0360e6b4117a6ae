using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Deals;

/// <summary>
/// Each mutating deal endpoint tried as an admin, a member of the owning consultancy (Open End), a member of the
/// other one (merlinux), a member of neither and an anonymous visitor. A refusal is 403 (or sign-in for the
/// anonymous) and changes nothing.
/// </summary>
public sealed class DealPermissionTests : IAsyncLifetime
{
    private DealsWorld _w = null!;
    private int _yelp;

    public async Task InitializeAsync()
    {
        _w = await DealsWorld.StartAsync();
        _yelp = await _w.CompanyAsync("Yelp", Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private IEnumerable<(string Who, HttpClient Client, bool Allowed)> Everyone() =>
    [
        ("admin", _w.Admin, true),
        ("Open End member", _w.OpenEnd, true),
        ("merlinux member", _w.Merlinux, false),
        ("member of neither", _w.Neither, false),
        ("anonymous", _w.Anonymous, false),
    ];

    private static void AssertRefused(string who, HttpResponseMessage response)
    {
        if (who == "anonymous")
        {
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath == "/account/signin",
                $"{who}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)response.StatusCode}");
        }
    }

    private async Task<(DealStage, long, long?, int, int)> StateAsync(int dealId)
    {
        var deal = await _w.ReadDealAsync(dealId);
        return (deal.Stage, deal.Version, deal.ValueMinor, deal.StageChanges.Count, await _w.TimelineCountAsync(_yelp));
    }

    [Fact]
    public async Task Creating_a_deal()
    {
        foreach (var (who, client, allowed) in Everyone())
        {
            var before = await _w.DbAsync(db => db.Deals.CountAsync());
            var fields = DealTests.Fields(title: who);
            fields["CompanyId"] = _yelp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var response = await DealsWorld.PostAsync(client, "/deals/new", fields);
            if (allowed)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{who}: {(int)response.StatusCode}");
                Assert.Equal(before + 1, await _w.DbAsync(db => db.Deals.CountAsync()));
            }
            else
            {
                AssertRefused(who, response);
                Assert.Equal(before, await _w.DbAsync(db => db.Deals.CountAsync()));
            }
        }
        Assert.Equal(["admin", "Open End member"], await _w.DbAsync(db => db.Deals.OrderBy(d => d.Id).Select(d => d.Title!).ToListAsync()));
    }

    [Fact]
    public async Task Editing_a_deal()
    {
        var id = await _w.DealAsync(_yelp, Consultancy.OpenEndId, "jacob@openend.se");
        foreach (var (who, client, allowed) in Everyone())
        {
            var before = await StateAsync(id);
            var fields = DealTests.Fields(value: "777");
            fields["Version"] = before.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var response = await DealsWorld.PostAsync(client, $"/deals/{id}/edit", fields);
            if (allowed)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{who}: {(int)response.StatusCode}");
                Assert.Equal(77_700, (await _w.ReadDealAsync(id)).ValueMinor);
                await _w.DbAsync(db => db.Deals.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ValueMinor, 1L)));
            }
            else
            {
                AssertRefused(who, response);
                Assert.Equal(before, await StateAsync(id));
            }
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await _w.Merlinux.GetAsync($"/deals/{id}/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _w.Neither.GetAsync($"/deals/{id}/edit")).StatusCode);
    }

    [Fact]
    public async Task Moving_a_deal()
    {
        var id = await _w.DealAsync(_yelp, Consultancy.OpenEndId, "jacob@openend.se");
        foreach (var (who, client, allowed) in Everyone())
        {
            var before = await StateAsync(id);
            var target = before.Item1 == DealStage.New ? "Qualified" : "New";
            var response = await DealsWorld.PostAsync(client, $"/deals/{id}/move", new Dictionary<string, string>
            {
                ["Stage"] = target, ["Version"] = before.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            if (allowed)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{who}: {(int)response.StatusCode}");
                Assert.Equal(target, (await _w.ReadDealAsync(id)).Stage.ToString());
            }
            else
            {
                AssertRefused(who, response);
                Assert.Equal(before, await StateAsync(id));
            }
        }
    }

    [Fact]
    public async Task Moving_a_deal_to_the_other_consultancy()
    {
        var id = await _w.DealAsync(_yelp, Consultancy.OpenEndId, "jacob@openend.se");
        var holger = await _w.UserIdAsync("holger@merlinux.eu");
        foreach (var (who, client, allowed) in Everyone().Where(e => e.Who != "admin").Append(("admin", _w.Admin, true)))
        {
            var before = await _w.ReadDealAsync(id);
            var fields = DealTests.Fields();
            fields["Version"] = before.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields["ConsultancyId"] = "2";
            fields["OwnerUserId"] = holger;
            var response = await DealsWorld.PostAsync(client, $"/deals/{id}/edit", fields);
            var after = await _w.ReadDealAsync(id);
            if (allowed && who == "admin")
            {
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Equal((Consultancy.MerlinuxId, holger), (after.ConsultancyId, after.OwnerUserId));
            }
            else if (allowed)
            {
                // The Open End member may edit the deal, but the consultancy and owner they post are ignored.
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Equal((Consultancy.OpenEndId, before.OwnerUserId), (after.ConsultancyId, after.OwnerUserId));
            }
            else
            {
                AssertRefused(who, response);
                Assert.Equal((before.ConsultancyId, before.Version), (after.ConsultancyId, after.Version));
            }
        }
    }
}
