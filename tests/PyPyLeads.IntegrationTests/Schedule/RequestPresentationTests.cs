using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Schedule;
using PyPyLeads.UseCases;
using static PyPyLeads.IntegrationTests.Schedule.UseCaseSteps;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>The request-a-presentation use case, by the team and from the public page, called directly on a real SQLite file.</summary>
public sealed class RequestPresentationTests : ScheduleUseCaseTest
{
    private Task<Outcome> Staff(RequestPresentation.Input input) =>
        Rig.RunAsync<RequestPresentation, Outcome>(u => u.RunAsync(input, Coordinator, CancellationToken.None));

    private Task<Outcome> Public(RequestPresentation.Input input) =>
        Rig.RunAsync<RequestPresentation, Outcome>(u => u.RunFromInvitationPageAsync(input, CancellationToken.None));

    [Fact]
    public async Task A_request_taken_by_the_team_makes_a_new_company_and_goes_on_its_timeline_under_the_display_name()
    {
        var done = Assert.IsType<Done<RequestPresentation.Requested>>(await Staff(Request(contact: "  Jane Doe ")));

        var request = await Rig.DbAsync(db => db.PresentationRequests.AsNoTracking().Include(p => p.Company).SingleAsync(p => p.Id == done.Value.Id));
        Assert.Equal((PresentationStatus.Requested, false, Coordinator.UserId, "Jane Doe", Topics.JitSpeed, 40),
            (request.Status, request.ViaPublicPage, request.CreatedByUserId, request.ContactName, request.Topics, request.AudienceSize!.Value));
        Assert.Equal(("Yelp", LeadSource.Other, done.Value.CompanyId), (request.Company!.Name, request.Company.Source, request.CompanyId));
        var entry = Assert.Single(await Rig.TimelineAsync(nameof(PresentationRequest), done.Value.Id));
        Assert.Equal(("presentation.requested", "Presentation requested by Jane Doe", "Laura Creighton", Coordinator.UserId, Clock.GetUtcNow().UtcDateTime),
            (entry.Kind, entry.Summary, entry.ActorName, entry.ActorUserId, entry.AtUtc));
    }

    [Fact]
    public async Task A_request_from_the_invitation_page_is_marked_as_such_and_recorded_by_the_app_not_a_user()
    {
        var done = Assert.IsType<Done<RequestPresentation.Requested>>(await Public(Request()));

        var request = await Rig.DbAsync(db => db.PresentationRequests.AsNoTracking().Include(p => p.Company).SingleAsync(p => p.Id == done.Value.Id));
        Assert.Equal((true, null, LeadSource.InvitationPage), (request.ViaPublicPage, request.CreatedByUserId, request.Company!.Source));
        var entry = Assert.Single(await Rig.TimelineAsync(nameof(PresentationRequest), done.Value.Id));
        Assert.Equal(("Jane Doe asked for a presentation through the invitation page", "Preferred dates: March 4, afternoon", "PyPyLeads", null),
            (entry.Summary, entry.Details, entry.ActorName, entry.ActorUserId));
    }

    [Fact]
    public async Task A_request_from_a_known_company_attaches_to_it()
    {
        var yelp = await Rig.CompanyAsync("Yelp", c => { c.WebDomain = "yelp.com"; c.DomainKey = CompanyKeys.Domain("yelp.com"); });

        var byName = Assert.IsType<Done<RequestPresentation.Requested>>(await Public(Request("YELP Inc")));
        var byDomain = Assert.IsType<Done<RequestPresentation.Requested>>(await Staff(Request("Yelp Restaurants", "https://www.yelp.com/about")));

        Assert.Equal((yelp, yelp), (byName.Value.CompanyId, byDomain.Value.CompanyId));
        Assert.Equal(1, await Rig.DbAsync(db => db.Companies.CountAsync()));
    }

    public static TheoryData<RequestPresentation.Input, string, string> BadRequests => new()
    {
        { Request() with { CompanyName = "" }, "CompanyName", "Enter your company's name." },
        { Request() with { CompanyName = new string('x', 201) }, "CompanyName", "Use at most 200 characters." },
        { Request() with { CompanyName = "Acme\u0007Corp" }, "CompanyName", "Remove the control characters." },
        { Request() with { WebDomain = "not a domain" }, "WebDomain", "Enter a web address such as example.com." },
        { Request() with { ContactName = "Jane\nDoe" }, "ContactName", "Remove the control characters." },
        { Request() with { ContactEmail = "jane at yelp" }, "ContactEmail", "This is not an e-mail address." },
        { Request() with { City = " " }, "City", "Enter the city where we would present." },
        { Request() with { AudienceSize = 0 }, "AudienceSize", "Enter a number of people from 1 to 100,000." },
        { Request() with { Topics = [(Topics)512] }, "Topics", "Choose topics from the list." },
        { Request() with { ConvinceManagement = new string('x', 4001) }, "ConvinceManagement", "Use at most 4,000 characters." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_refused_beside_its_field_and_saves_nothing(RequestPresentation.Input input, string field, string message)
    {
        Assert.Contains(new FieldError(field, message), Assert.IsType<Invalid>(await Public(input)).Errors);
        Assert.Contains(new FieldError(field, message), Assert.IsType<Invalid>(await Staff(input)).Errors);

        Assert.Equal((0, 0), await Rig.DbAsync(async db => (await db.PresentationRequests.CountAsync(), await db.Companies.CountAsync())));
    }

    [Fact]
    public async Task Hostile_text_is_stored_exactly_as_typed()
    {
        var input = Request("<script>alert(1)</script> Robert'); DROP TABLE Companies;--") with { ConvinceManagement = "\u202Eevil\u202C <b>bold</b>" };

        var done = Assert.IsType<Done<RequestPresentation.Requested>>(await Public(input));

        var request = await Rig.DbAsync(db => db.PresentationRequests.AsNoTracking().Include(p => p.Company).SingleAsync(p => p.Id == done.Value.Id));
        Assert.Equal(("<script>alert(1)</script> Robert'); DROP TABLE Companies;--", "\u202Eevil\u202C <b>bold</b>"), (request.Company!.Name, request.ConvinceManagement));
    }
}
