using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.AccessTokens;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>Personal access tokens: made in Settings and shown once, stored hashed, the API's only way in, acting as their user, revocable.</summary>
public sealed class AccessTokenTests : IAsyncLifetime
{
    private DealsWorld _world = null!;

    public async Task InitializeAsync() => _world = await DealsWorld.StartAsync(app => app.With("Hangfire:RunServer", "false"));

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private async Task<(string Secret, IReadOnlyList<string> Pages)> MakeInSettingsAsync(HttpClient user, string name, string scope = "ReadWrite", string days = "30")
    {
        var made = await user.PostFormAsync("/settings/tokens", new Dictionary<string, string> { ["Name"] = name, ["Scope"] = scope, ["ExpiresInDays"] = days });
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var page = await made.ReadPageAsync();
        return (DealsWorld.Text(page, "token-secret"), [page.Body!.TextContent]);
    }

    [Fact]
    public async Task A_token_made_in_settings_is_shown_once_stored_only_as_its_hash_and_opens_the_api_as_its_user()
    {
        var (secret, _) = await MakeInSettingsAsync(_world.OpenEnd, "Eurostars spreadsheet");

        Assert.StartsWith(AccessTokenSecrets.Marker, secret, StringComparison.Ordinal);
        var stored = await _world.DbAsync(db => db.AccessTokens.AsNoTracking().SingleAsync());
        Assert.Equal(AccessTokenSecrets.Hash(secret), stored.SecretHash);
        Assert.DoesNotContain(secret, string.Join(" ", stored.Name, stored.Prefix, stored.SecretHash), StringComparison.Ordinal);
        Assert.Equal(await _world.UserIdAsync("jacob@openend.se"), stored.UserId);
        var list = await (await _world.OpenEnd.GetAsync("/settings/tokens")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Contains(stored.Prefix, list, StringComparison.Ordinal);
        Assert.Equal("Never", DealsWorld.Text(await (await _world.OpenEnd.GetAsync("/settings/tokens")).ReadPageAsync(), "last-used"));

        using var api = ApiTokens.Client(_world, secret);
        var created = await (await ApiTokens.PostAsync(api, "/api/v1/companies", new { name = "Yelp" })).ExpectAsync(HttpStatusCode.Created);

        // The token acted as Jacob: the timeline names him.
        var entry = await _world.DbAsync(db => db.Timeline.SingleAsync(t => t.CompanyId == created.GetProperty("id").GetInt32()));
        Assert.Equal("Jacob Hallén", entry.ActorName);
        Assert.NotEqual("Never", DealsWorld.Text(await (await _world.OpenEnd.GetAsync("/settings/tokens")).ReadPageAsync(), "last-used"));
    }

    [Fact]
    public async Task Without_a_token_or_with_a_wrong_one_the_api_answers_401_with_a_bearer_challenge_and_a_problem()
    {
        using var none = ApiTokens.Client(_world, null);
        var missing = await none.GetAsync("/api/v1/companies");
        var problem = await missing.ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Bearer", missing.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());

        using var wrong = ApiTokens.Client(_world, AccessTokenSecrets.NewSecret());
        var refused = await wrong.GetAsync("/api/v1/companies");
        await refused.ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_cookie_does_not_open_the_api_so_a_page_cannot_be_made_to_write_through_it()
    {
        var read = await _world.Admin.GetAsync("/api/v1/companies");
        await read.ExpectAsync(HttpStatusCode.Unauthorized);
        var before = await _world.DbAsync(db => db.Companies.CountAsync());

        var write = await _world.Admin.PostAsync("/api/v1/companies", JsonContent.Create(new { name = "Initech" }));

        await write.ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await _world.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_read_only_token_reads_and_is_refused_every_change_with_403()
    {
        var secret = await ApiTokens.MakeAsync(_world, await _world.UserIdAsync(People.AdminEmail), AccessTokenScope.ReadOnly);
        using var api = ApiTokens.Client(_world, secret);
        var yelp = await _world.CompanyAsync("Yelp");

        await (await api.GetAsync($"/api/v1/companies/{yelp}")).ExpectAsync(HttpStatusCode.OK);
        var refused = await (await ApiTokens.PostAsync(api, "/api/v1/companies", new { name = "Initech" })).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Contains("read-only", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await _world.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task A_token_acts_as_its_user_never_more_a_member_reads_another_consultancys_company_but_cannot_change_it()
    {
        var merlinuxLead = await _world.CompanyAsync("Google", Consultancy.MerlinuxId);
        using var jacob = ApiTokens.Client(_world, await ApiTokens.MakeAsync(_world, await _world.UserIdAsync("jacob@openend.se"), AccessTokenScope.ReadWrite));
        var read = await jacob.GetAsync($"/api/v1/companies/{merlinuxLead}");
        await read.ExpectAsync(HttpStatusCode.OK);

        var refused = await (await ApiTokens.SendAsync(jacob, HttpMethod.Put, $"/api/v1/companies/{merlinuxLead}", new { name = "Google Inc." }, read.ETag()))
            .ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Contains("merlinux", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Google", await _world.DbAsync(db => db.Companies.Where(c => c.Id == merlinuxLead).Select(c => c.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once()
    {
        var (secret, _) = await MakeInSettingsAsync(_world.Merlinux, "Script");
        using var api = ApiTokens.Client(_world, secret);
        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        var id = await _world.DbAsync(db => db.AccessTokens.Select(t => t.Id).SingleAsync());

        People.Expect(await _world.Merlinux.PostFormAsync("/settings/tokens", new Dictionary<string, string>(), $"/settings/tokens/{id}/revoke"),
            HttpStatusCode.Redirect, "/settings/tokens");

        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Revoked", DealsWorld.Text(await (await _world.Merlinux.GetAsync("/settings/tokens")).ReadPageAsync(), "state"));
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires_on_the_apps_clock()
    {
        var (secret, _) = await MakeInSettingsAsync(_world.OpenEnd, "A week", days: "7");
        using var api = ApiTokens.Client(_world, secret);
        _world.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);

        _world.Clock.Advance(TimeSpan.FromMinutes(1));

        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Expired", DealsWorld.Text(await (await _world.OpenEnd.GetAsync("/settings/tokens")).ReadPageAsync(), "state"));
    }

    [Fact]
    public async Task The_tokens_of_a_user_who_cannot_sign_in_do_not_work()
    {
        // Invited, never accepted: no password, so no sign-in (the same check point will refuse disabled users).
        await People.InviteAsync(_world.Admin, "Christian Tismer", "tismer@example.org", consultancyId: Consultancy.MerlinuxId);
        var secret = await ApiTokens.MakeAsync(_world, await _world.UserIdAsync("tismer@example.org"), AccessTokenScope.ReadWrite);
        using var api = ApiTokens.Client(_world, secret);

        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_disabled_users_tokens_stop_working_on_their_next_request_and_work_again_once_enabled()
    {
        var (secret, _) = await MakeInSettingsAsync(_world.Merlinux, "Holger's script");
        using var api = ApiTokens.Client(_world, secret);
        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        var holger = await _world.UserIdAsync("holger@merlinux.eu");

        People.Expect(await _world.Admin.PostFormAsync("/users", new Dictionary<string, string>(), $"/users/{holger}/disable"), HttpStatusCode.Redirect, "/users");
        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.Unauthorized);

        People.Expect(await _world.Admin.PostFormAsync("/users", new Dictionary<string, string>(), $"/users/{holger}/enable"), HttpStatusCode.Redirect, "/users");
        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_name_is_required_and_the_form_keeps_what_was_typed()
    {
        var refused = await _world.OpenEnd.PostFormAsync("/settings/tokens", new Dictionary<string, string> { ["Name"] = "", ["Scope"] = "ReadWrite", ["ExpiresInDays"] = "9999" });

        var page = await refused.ReadPageAsync();
        Assert.NotNull(page.FieldError("Name"));
        Assert.NotNull(page.FieldError("ExpiresInDays"));
        Assert.Equal(0, await _world.DbAsync(db => db.AccessTokens.CountAsync()));
    }

    [Fact]
    public async Task Admins_see_every_users_tokens_and_revoke_them_members_see_only_their_own()
    {
        await MakeInSettingsAsync(_world.OpenEnd, "Jacob's script");
        var (merlinuxSecret, _) = await MakeInSettingsAsync(_world.Merlinux, "Holger's script");

        var all = await (await _world.Admin.GetAsync("/settings/tokens/all")).ReadPageAsync();
        Assert.Equal(2, all.QuerySelectorAll("[data-testid=token]").Length);
        Assert.Equal(HttpStatusCode.Forbidden, (await _world.OpenEnd.GetAsync("/settings/tokens/all")).StatusCode);
        var own = await (await _world.OpenEnd.GetAsync("/settings/tokens")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Holger's script", own, StringComparison.Ordinal);

        var holgers = await _world.DbAsync(db => db.AccessTokens.Where(t => t.Name == "Holger's script").Select(t => t.Id).SingleAsync());
        People.Expect(await _world.Admin.PostFormAsync("/settings/tokens/all", new Dictionary<string, string>(), $"/settings/tokens/{holgers}/revoke"),
            HttpStatusCode.Redirect, "/settings/tokens/all");

        using var api = ApiTokens.Client(_world, merlinuxSecret);
        await (await api.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_token_pages_load()
    {
        foreach (var (client, path) in new[] { (_world.OpenEnd, "/settings/tokens"), (_world.Admin, "/settings/tokens/all"), (_world.OpenEnd, "/settings") })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }
    }
}
