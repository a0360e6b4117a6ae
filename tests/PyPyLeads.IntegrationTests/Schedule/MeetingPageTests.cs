using System.Net;
using PyPyLeads.Schedule;
using static PyPyLeads.IntegrationTests.Schedule.ScheduleTestSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The meeting page answers a move over HTTP as the presentation page does: field messages, or 409 with the meeting as it is now.</summary>
public sealed class MeetingPageTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task A_move_without_a_place_gets_a_message_and_a_move_from_a_stale_page_gets_409()
    {
        var client = _app.Client();
        await People.SetUpAsync(client);
        var planned = await client.PostListFormAsync("/meetings/new", "/meetings/new", new Dictionary<string, string>
        {
            ["CompanyName"] = "Yelp", ["Kind"] = "Lunch", ["Area"] = "Bay Area", ["Place"] = "Zuni Café", ["StartsLocal"] = "2011-03-04T12:00", ["EndsLocal"] = "2011-03-04T13:00",
        }, ("TeamMemberIds", [Armin]));
        People.Expect(planned, HttpStatusCode.Redirect);
        var id = int.Parse(planned.Headers.Location!.OriginalString.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        var stalePage = await client.GetPageAsync($"/meetings/{id}");

        var noPlace = await client.PostListFormAsync($"/meetings/{id}", $"/meetings/{id}/schedule", new Dictionary<string, string> { ["Place"] = "" }, ("TeamMemberIds", [Armin]));
        Assert.Equal(HttpStatusCode.OK, noPlace.StatusCode);
        Assert.Equal("Enter where you meet (a restaurant, an office...).", (await noPlace.ReadPageAsync()).FieldError("Place"));

        People.Expect(await client.PostFormAsync($"/meetings/{id}", new Dictionary<string, string> { ["Outcome"] = "Good lunch" }, $"/meetings/{id}/held"), HttpStatusCode.Redirect, $"/meetings/{id}");
        var form = stalePage.QuerySelectorAll("main form").First(f => f.GetAttribute("action") == $"/meetings/{id}/schedule");
        var stale = await client.PostAsync($"/meetings/{id}/schedule", new FormUrlEncodedContent(
            form.QuerySelectorAll("input[type=hidden]").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
                .Concat([new("Kind", "Dinner"), new("Area", "Bay Area"), new("Place", "Zuni Café"), new("StartsLocal", "2011-03-04T19:00"), new("EndsLocal", "2011-03-04T20:00"), new("TeamMemberIds", "1")])));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Held", (await stale.ReadPageAsync()).QuerySelector("[data-testid=meeting-status]")!.TextContent);
        Assert.Equal(MeetingStatus.Held, Db(_app, db => db.Meetings.Single(m => m.Id == id).Status));
    }

    public void Dispose() => _app.Dispose();
}
