using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>The public invitation as an endpoint: no token, the page's validator, its rate limit per address shared with the page, Idempotency-Key.</summary>
public sealed class InviteApiTests : IAsyncLifetime
{
    private const string Address = "/api/v1/public/presentation-requests";
    private ApiWorld _api = null!;
    private HttpClient _visitor = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiWorld.StartAsync(app => app.With("PublicForm:PermitsPerHour", "3"));
        _visitor = ApiTokens.Client(_api.World, null);
    }

    public async Task DisposeAsync()
    {
        _visitor.Dispose();
        await _api.DisposeAsync();
    }

    private static object Request(string company = "Mozilla") =>
        new { companyName = company, contactName = "Brendan Eich", contactEmail = "brendan@mozilla.example", city = "Mountain View", topics = new[] { "JitSpeed" } };

    [Fact]
    public async Task A_visitor_without_a_token_asks_for_a_presentation_and_it_is_recorded_as_from_the_invitation_page()
    {
        var received = await (await ApiTokens.PostAsync(_visitor, Address, Request())).ExpectAsync(HttpStatusCode.Accepted);

        var request = await _api.DbAsync(db => db.PresentationRequests.Include(p => p.Company).SingleAsync());
        Assert.False(string.IsNullOrEmpty(received.GetProperty("message").GetString()));
        Assert.Equal(("Mozilla", true, LeadSource.InvitationPage), (request.Company!.Name, request.ViaPublicPage, request.Company.Source));
    }

    [Fact]
    public async Task A_known_company_gets_the_same_answer_as_a_new_one_and_missing_fields_are_400_by_field()
    {
        await _api.World.CompanyAsync("Mozilla", null);

        var known = await (await ApiTokens.PostAsync(_visitor, Address, Request("Mozilla"))).ExpectAsync(HttpStatusCode.Accepted);
        var invalid = await (await ApiTokens.PostAsync(_visitor, Address, new { companyName = "Initech" })).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(PyPyLeads.Web.Features.Invite.InviteApi.Thanks, known.GetProperty("message").GetString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("contactName", out _), invalid.ToString());
        Assert.Equal(1, await _api.DbAsync(db => db.Companies.CountAsync()));
    }

    [Fact]
    public async Task Sent_again_with_its_idempotency_key_it_is_recorded_once_and_the_key_with_another_request_is_422()
    {
        await (await ApiTokens.PostAsync(_visitor, Address, Request(), key: "mozilla-1")).ExpectAsync(HttpStatusCode.Accepted);
        await (await ApiTokens.PostAsync(_visitor, Address, Request(), key: "mozilla-1")).ExpectAsync(HttpStatusCode.Accepted);
        await (await ApiTokens.PostAsync(_visitor, Address, Request("Initech"), key: "mozilla-1")).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(1, await _api.DbAsync(db => db.PresentationRequests.CountAsync()));
    }

    [Fact]
    public async Task One_address_may_send_the_pages_permits_an_hour_page_and_endpoint_together_then_429()
    {
        await (await ApiTokens.PostAsync(_visitor, Address, Request("Mozilla"))).ExpectAsync(HttpStatusCode.Accepted);
        await (await ApiTokens.PostAsync(_visitor, Address, Request("Initech"))).ExpectAsync(HttpStatusCode.Accepted);
        await (await ApiTokens.PostAsync(_visitor, Address, Request("Globex"))).ExpectAsync(HttpStatusCode.Accepted);

        var refused = await ApiTokens.PostAsync(_visitor, Address, Request("Hooli"));
        var page = await _api.World.Anonymous.PostAsync("/invite", new FormUrlEncodedContent(new Dictionary<string, string> { ["CompanyName"] = "Hooli" }));

        await refused.ExpectAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal(3, await _api.DbAsync(db => db.PresentationRequests.CountAsync()));
    }
}
