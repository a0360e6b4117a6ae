using System.Net;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Schedule;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>
/// The four journeys through the API alone, with a token made in Settings: log a contact (with a follow-up), request a
/// presentation and see it through, open a deal and win it, complete the follow-up; and a rate limit per token.
/// </summary>
public sealed class ApiJourneyTests
{
    [Fact]
    public async Task The_four_journeys_run_through_the_api_alone()
    {
        await using var world = await DealsWorld.StartAsync(app => app.With("Hangfire:RunServer", "false"));
        var made = await world.Admin.PostFormAsync("/settings/tokens", new Dictionary<string, string> { ["Name"] = "Journeys", ["Scope"] = "ReadWrite", ["ExpiresInDays"] = "30" });
        using var api = ApiTokens.Client(world, DealsWorld.Text(await made.ReadPageAsync(), "token-secret"));

        // 1. Log a contact met after the Stanford talk, with a follow-up.
        var logged = await (await ApiTokens.PostAsync(api, "/api/v1/contacts", new
        {
            companyName = "Yelp", companyDomain = "yelp.com", personName = "Jeremy Stoppelman", interests = new[] { "Consulting" },
            note = "Wants the JIT", followUp = new { dueAt = "2011-03-04T09:00:00-08:00", note = "Send the offer" },
        }, key: "journey-contact")).ExpectAsync(HttpStatusCode.Created);
        var company = logged.GetProperty("companyId").GetInt32();

        // 2. They ask for a presentation; it is scheduled, then delivered.
        var request = await ApiTokens.PostAsync(api, "/api/v1/presentations", new
        {
            companyName = "Yelp", contactName = "Jeremy Stoppelman", contactEmail = "jeremy@yelp.example", city = "San Francisco", topics = new[] { "JitSpeed" },
        }, key: "journey-presentation");
        var presentation = (await request.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var scheduled = await ApiTokens.PostAsync(api, $"/api/v1/presentations/{presentation}/schedule", new
        {
            area = "Bay Area", place = "Yelp, 706 Mission St", startsLocal = "2011-03-04T12:00:00", endsLocal = "2011-03-04T13:00:00", teamMemberIds = new[] { 1 }, confirmClashes = true,
        }, request.ETag(), "journey-schedule");
        await scheduled.ExpectAsync(HttpStatusCode.OK);
        world.Clock.Advance(TimeSpan.FromDays(3));
        var delivered = await (await ApiTokens.PostAsync(api, $"/api/v1/presentations/{presentation}/deliver", new { attendance = 25, notes = "Good questions on the JIT" },
            scheduled.ETag(), "journey-deliver")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Delivered", delivered.GetProperty("status").GetString());

        // 3. A deal is opened (an admin chooses the consultancy of a lead not yet assigned) and won.
        var opened = await ApiTokens.PostAsync(api, "/api/v1/deals", new
        {
            companyId = company, kind = "Consulting", title = "JIT for search", value = "12000", currency = "EUR", expectedCloseOn = "2011-06-30", consultancyId = 1,
        }, key: "journey-deal");
        var deal = (await opened.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var version = opened.ETag();
        foreach (var stage in new[] { "Qualified", "Proposal", "Negotiation", "Won" })
        {
            var moved = await ApiTokens.PostAsync(api, $"/api/v1/deals/{deal}/move", new { stage }, version, $"journey-{stage}");
            Assert.Equal(stage, (await moved.ExpectAsync(HttpStatusCode.OK)).GetProperty("stage").GetString());
            version = moved.ETag();
        }

        // 4. The follow-up is due; it is completed.
        var due = await (await api.GetAsync("/api/v1/followups?which=due")).ExpectAsync(HttpStatusCode.OK);
        var followUp = Assert.Single(due.GetProperty("items").EnumerateArray());
        var completed = await (await ApiTokens.PostAsync(api, $"/api/v1/followups/{followUp.GetProperty("id").GetInt32()}/complete", null,
            followUp.GetProperty("version").GetInt64(), "journey-done")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Done", completed.GetProperty("state").GetString());

        // What the pages would show: one company, its presentation delivered, its deal won, its follow-up done.
        var (companies, status, stageNow, state) = await world.DbAsync(async db => (
            await db.Companies.CountAsync(), await db.PresentationRequests.Where(p => p.Id == presentation).Select(p => p.Status).SingleAsync(),
            await db.Deals.Where(d => d.Id == deal).Select(d => d.Stage).SingleAsync(), await db.FollowUps.Select(f => f.State).SingleAsync()));
        Assert.Equal((1, PresentationStatus.Delivered, DealStage.Won, FollowUpState.Done), (companies, status, stageNow, state));
        var timeline = await (await api.GetAsync($"/api/v1/companies/{company}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(timeline.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("summary").GetString()!.Contains("to Won", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Beyond_its_permits_per_minute_a_token_gets_429_with_retry_after_and_another_token_does_not()
    {
        await using var api = await ApiWorld.StartAsync(app => app.With("Api:PermitsPerMinute", "3"));
        for (var i = 0; i < 3; i++)
        {
            await (await api.OpenEnd.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
        }

        var limited = await api.OpenEnd.GetAsync("/api/v1/companies");

        var problem = await limited.ExpectAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, limited.Headers.ToString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        await (await api.Merlinux.GetAsync("/api/v1/companies")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public void An_api_setting_the_app_cannot_use_stops_the_start_naming_it()
    {
        using var app = new LeadsApp().With("Api:PermitsPerMinute", "0");

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("Api:PermitsPerMinute must be at least 1 (it is 0).", error.ToString(), StringComparison.Ordinal);
    }
}
