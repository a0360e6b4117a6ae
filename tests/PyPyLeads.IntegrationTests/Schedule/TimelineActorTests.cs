using System.Net;
using static PyPyLeads.IntegrationTests.Schedule.ScheduleTestSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>Presentation and meeting entries on a company's timeline say who acted by display name, as every other entry does.</summary>
public sealed class TimelineActorTests : IDisposable
{
    private readonly LeadsApp _app = new();

    [Fact]
    public async Task A_presentation_s_and_a_meeting_s_timeline_entries_show_the_display_name_not_the_e_mail_address()
    {
        var client = _app.Client();
        await People.SetUpAsync(client); // Laura Creighton, lac@openend.se
        var id = await NewRequestAsync(client);
        People.Expect(await ScheduleAsync(client, id, "2011-03-04T14:00", "2011-03-04T15:00", [Armin]), HttpStatusCode.Redirect);
        var companyId = Db(_app, db => db.PresentationRequests.Single(p => p.Id == id).CompanyId);
        People.Expect(await client.PostListFormAsync($"/meetings/new?companyId={companyId}", "/meetings/new", new Dictionary<string, string>
        {
            ["Kind"] = "Dinner", ["Area"] = "Bay Area", ["Place"] = "Zuni Café", ["StartsLocal"] = "2011-03-04T19:00", ["EndsLocal"] = "2011-03-04T21:00",
        }, ("TeamMemberIds", [Armin])), HttpStatusCode.Redirect);

        var page = await client.GetPageAsync($"/companies/{companyId}");
        var entries = page.QuerySelectorAll("[data-testid=timeline-entry]")
            .Where(e => e.GetAttribute("data-kind") is "presentation.requested" or "presentation.scheduled" or "meeting.planned").ToList();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Contains("by Laura Creighton", e.TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(People.AdminEmail, string.Concat(entries.Select(e => e.TextContent)), StringComparison.Ordinal);
        Assert.Equal(0, Db(_app, db => db.Timeline.Count(t => t.ActorName == People.AdminEmail)));
    }

    public void Dispose() => _app.Dispose();
}
