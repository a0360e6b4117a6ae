using PyPyLeads.Web.Features.Companies;
using PyPyLeads.Web.Features.Deals;
using PyPyLeads.Web.Features.FollowUps;
using PyPyLeads.Web.Features.LogContact;
using PyPyLeads.Web.Features.Meetings;
using PyPyLeads.Web.Features.People;
using PyPyLeads.Web.Features.Presentations;

namespace PyPyLeads.Web.Features.Api;

/// <summary>Examples of the requests, from the tour, for the OpenAPI document (and so the reference page).</summary>
public static class ApiExamples
{
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(CompanyRequest)] = """{"name": "Yelp", "webDomain": "yelp.com", "city": "San Francisco", "country": "USA", "industry": "Local search", "source": "TourStop", "sourceTourStopId": 2}""",
        [typeof(PersonRequest)] = """{"name": "Jeremy Stoppelman", "role": "CEO", "email": "jeremy@yelp.example", "phone": "+1 415 555 0100"}""",
        [typeof(PersonMergeBody)] = """{"otherId": 2, "otherVersion": 1}""",
        [typeof(LogContactRequest)] = """
            {"tourStopId": 2, "companyName": "Yelp", "companyDomain": "yelp.com", "personName": "Jeremy Stoppelman", "personRole": "CEO",
             "personEmail": "jeremy@yelp.example", "interests": ["Consulting"], "note": "Wants the JIT for their search backend",
             "followUp": {"dueAt": "2011-03-10T09:00:00-08:00", "note": "Send the consulting offer"}}
            """,
        [typeof(ContactFollowUp)] = """{"dueAt": "2011-03-10T09:00:00-08:00", "note": "Send the consulting offer"}""",
        [typeof(PresentationRequestBody)] = """
            {"companyName": "Mozilla", "contactName": "Brendan Eich", "contactEmail": "brendan@mozilla.example", "city": "Mountain View",
             "preferredDates": "Any afternoon in the week of 7 March", "audienceSize": 40, "topics": ["JitSpeed", "CPythonCompatibility"],
             "convinceManagement": "Show that PyPy runs our build tools twice as fast"}
            """,
        [typeof(ScheduleBody)] = """{"area": "Bay Area", "place": "Mozilla, 650 Castro St, Mountain View", "startsLocal": "2011-03-07T14:00:00", "endsLocal": "2011-03-07T15:30:00", "teamMemberIds": [1, 2], "confirmClashes": false}""",
        [typeof(DeliverBody)] = """{"attendance": 35, "notes": "They want a follow-up on cpyext", "confirmBeforeStart": false}""",
        [typeof(ReasonBody)] = """{"reason": "No presenter free that week"}""",
        [typeof(MeetingBody)] = """{"companyId": 1, "kind": "Lunch", "area": "Bay Area", "place": "Zuni Café", "placeAddress": "1658 Market St, San Francisco", "startsLocal": "2011-03-04T12:30:00", "endsLocal": "2011-03-04T14:00:00", "teamMemberIds": [1, 2], "personIds": [1], "confirmClashes": false}""",
        [typeof(MeetingChangeBody)] = """{"kind": "Dinner", "area": "Bay Area", "place": "Zuni Café", "startsLocal": "2011-03-04T19:00:00", "endsLocal": "2011-03-04T21:00:00", "teamMemberIds": [1], "personIds": [], "confirmClashes": false}""",
        [typeof(OutcomeBody)] = """{"outcome": "They want a quote for the JIT work"}""",
        [typeof(DealBody)] = """{"companyId": 1, "kind": "Consulting", "title": "JIT for the search backend", "stage": "Qualified", "value": "12000.00", "currency": "EUR", "probability": 30, "expectedCloseOn": "2011-06-30"}""",
        [typeof(DealEditBody)] = """{"kind": "Consulting", "title": "JIT for the search backend", "value": "15000.00", "currency": "EUR", "probability": 40, "expectedCloseOn": "2011-07-15"}""",
        [typeof(MoveBody)] = """{"stage": "Won"}""",
        [typeof(FollowUpBody)] = """{"companyId": 1, "subjectType": "Deal", "subjectId": 1, "dueAt": "2011-03-10T17:00:00Z", "note": "Call about the proposal"}""",
        [typeof(SnoozeBody)] = """{"for": "1h"}""",
    };

    public static string? For(Type type) => Examples.GetValueOrDefault(type);
}
