using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Companies;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.IntegrationTests.Api;
using PyPyLeads.IntegrationTests.Deals;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;

namespace PyPyLeads.IntegrationTests.Security;

/// <summary>Who may call a mutating endpoint.</summary>
public enum Rule
{
    /// <summary>Open to visitors (sign-in, set-up, the public invitation page).</summary>
    Anyone,
    /// <summary>Anyone signed in, acting on their own things (settings, notifications, calendar feed, uploads, sign-out).</summary>
    SignedIn,
    AdminOnly,
    /// <summary>Admins; members on their consultancy's records and unassigned ones (Caller.MayChange).</summary>
    ConsultancyOrUnassigned,
    /// <summary>Admins; members on their consultancy's records only (a deal needs an assigned lead).</summary>
    ConsultancyOnly,
    /// <summary>Admins and whoever uploaded it; to anyone else it does not exist (404).</summary>
    UploaderOrAdmin,
    /// <summary>Changes nothing for anyone (error pages answer any verb).</summary>
    ChangesNothing,
}

public enum Role
{
    Anonymous,
    OpenEndMember,
    MerlinuxMember,
    Admin,
}

public enum Owner
{
    OpenEnd,
    Merlinux,
    Unassigned,
}

/// <summary>
/// The permission table of every endpoint that can change something, checked against the app's own endpoint list:
/// an endpoint missing from <see cref="EndpointPermissionTests.Table"/> (a new one) fails the suite until its rule is
/// declared here. Each declared endpoint is then tried as every role (anonymous, an Open End member, a merlinux member,
/// an admin) on records of every owner (Open End, merlinux, unassigned) where ownership applies: allowed calls change
/// the database, refused ones answer 403 (sign-in for the anonymous, 404 where the record is hidden) and change nothing.
/// </summary>
public sealed class EndpointPermissionTests(EndpointPermissionTests.World world) : IClassFixture<EndpointPermissionTests.World>
{
    /// <summary>
    /// A request to make: where, and the form it sends (repeated names allowed); or, for the JSON API, the method, the
    /// JSON body and the If-Match it sends with the role's read-write token.
    /// </summary>
    public sealed record Attempt(string Url, IReadOnlyList<KeyValuePair<string, string>> Fields)
    {
        public string Method { get; init; } = "POST";
        public object? Json { get; init; }
        public long? IfMatch { get; init; }

        public bool IsApi => Url.StartsWith("/api/", StringComparison.Ordinal);
    }

    /// <summary>A JSON API request.</summary>
    private static Attempt Api(string url, object? json, long? ifMatch = null, string method = "POST") => new(url, []) { Method = method, Json = json, IfMatch = ifMatch };

    /// <summary>An endpoint's rule, and for the rules that depend on the record, how to make a fresh one of an owner for a role and the request that changes it.</summary>
    public sealed record Declared(Rule Rule, Func<World, Owner, Role, Task<Attempt>>? Arrange = null, Owner[]? Owners = null);

    private static readonly Owner[] AllOwners = [Owner.OpenEnd, Owner.Merlinux, Owner.Unassigned];

    public static IReadOnlyDictionary<string, Declared> Table { get; } = new Dictionary<string, Declared>
    {
        // Visitors.
        ["POST /account/signin"] = new(Rule.Anyone),
        ["POST /account/invitation"] = new(Rule.Anyone),
        ["POST /setup"] = new(Rule.Anyone),
        // The second step of signing in: who it is comes from the password step's own short-lived cookie.
        ["POST /account/two-factor/sign-in"] = new(Rule.Anyone),
        ["POST /invite"] = new(Rule.Anyone),
        ["ANY /error"] = new(Rule.ChangesNothing),
        ["ANY /error/{code:int}"] = new(Rule.ChangesNothing),

        // One's own things.
        ["POST /account/signout"] = new(Rule.SignedIn),
        ["POST /settings"] = new(Rule.SignedIn),
        ["POST /account/two-factor/enrol"] = new(Rule.SignedIn),
        ["POST /account/two-factor/recovery-codes"] = new(Rule.SignedIn),
        ["POST /account/two-factor/disable"] = new(Rule.SignedIn),
        ["POST /settings/password"] = new(Rule.SignedIn),
        // Another user's session is refused inside the use case (SessionTests, EndSessionTests); the sample id is no one's.
        ["POST /settings/sessions/{id}/end"] = new(Rule.SignedIn),
        ["POST /settings/sessions/end-others"] = new(Rule.SignedIn),
        ["POST /notifications/{id:long}/open"] = new(Rule.SignedIn),
        ["POST /notifications/{id:long}/read"] = new(Rule.SignedIn),
        ["POST /notifications/read-all"] = new(Rule.SignedIn),
        ["POST /calendar/feed"] = new(Rule.SignedIn),
        ["POST /calendar/feed/revoke"] = new(Rule.SignedIn),
        ["POST /companies/import"] = new(Rule.SignedIn),
        // A new company starts unassigned, so any member may add one.
        ["POST /companies/new"] = new(Rule.SignedIn),
        ["POST /companies/import/{id:guid}/confirm"] = new(Rule.UploaderOrAdmin, Import, [Owner.OpenEnd]),

        // Mail in triage belongs to no consultancy: dismissing, bringing back and creating its (new, unassigned) company are anyone's.
        ["POST /intake/{id:long}/dismiss"] = new(Rule.SignedIn),
        ["POST /intake/{id:long}/restore"] = new(Rule.SignedIn),
        ["POST /intake/{id:long}/new-company"] = new(Rule.SignedIn),

        // Admins.
        ["POST /users/invite"] = new(Rule.AdminOnly),
        ["POST /users/{id}/invitation"] = new(Rule.AdminOnly),
        ["POST /users/{id}/export-right"] = new(Rule.AdminOnly),
        ["POST /users/{id}/disable"] = new(Rule.AdminOnly),
        ["POST /users/{id}/enable"] = new(Rule.AdminOnly),
        ["POST /users/{id}/followups/{followUpId:int}"] = new(Rule.AdminOnly),
        ["POST /backups/now"] = new(Rule.AdminOnly),
        ["POST /team/stays"] = new(Rule.AdminOnly),
        ["POST /team/stays/{id:int}"] = new(Rule.AdminOnly),
        ["POST /team/stays/{id:int}/delete"] = new(Rule.AdminOnly),
        ["POST /team/stops/{id:int}/attendees"] = new(Rule.AdminOnly),
        ["POST /leads/{companyId:int}/assign"] = new(Rule.AdminOnly),
        ["POST /companies/{id:int}/restore"] = new(Rule.AdminOnly),
        ["POST /intake/check"] = new(Rule.AdminOnly),
        ["POST /webhooks/new"] = new(Rule.AdminOnly),
        ["POST /webhooks/{id:int}/edit"] = new(Rule.AdminOnly),
        ["POST /webhooks/{id:int}/enabled"] = new(Rule.AdminOnly),
        ["POST /webhooks/{id:int}/test"] = new(Rule.AdminOnly),

        // Each consultancy's data its own.
        ["POST /companies/{id:int}/edit"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var id = await w.CompanyAsync(owner);
            var version = await w.Deals.DbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.Version).SingleAsync());
            return new($"/companies/{id}/edit", F(("Name", await w.NameOfAsync(id)), ("Source", "Other"), ("Notes", "Edited"), ("Version", version)));
        }),
        ["POST /companies/{id:int}/delete"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            new($"/companies/{await w.CompanyAsync(owner)}/delete", F())),
        ["POST /companies/{id:int}/merge"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var id = await w.CompanyAsync(owner);
            var other = await w.CompanyAsync(Owner.Unassigned);
            return new($"/companies/{id}/merge", F(("with", other), ("keep", id), ("version", await w.CompanyVersionAsync(id)), ("withVersion", await w.CompanyVersionAsync(other))));
        }),
        ["POST /companies/{id:int}/people/new"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            new($"/companies/{await w.CompanyAsync(owner)}/people/new", F(("Name", "Samuele Pedroni")))),
        ["POST /people/{id:int}/edit"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var person = await w.PersonAsync(await w.CompanyAsync(owner), "Jane Doe");
            var version = await w.Deals.DbAsync(db => db.People.Where(p => p.Id == person).Select(p => p.Version).SingleAsync());
            return new($"/people/{person}/edit", F(("Name", "Jane Roe"), ("Version", version)));
        }),
        ["POST /people/{id:int}/merge"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var company = await w.CompanyAsync(owner);
            var keep = await w.PersonAsync(company, "Jane Doe");
            var other = await w.PersonAsync(company, "J. Doe");
            return new($"/people/{keep}/merge", F(("with", other), ("version", await w.PersonVersionAsync(keep)), ($"versions[{other}]", await w.PersonVersionAsync(other))));
        }),
        ["POST /log-contact"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.CompanyAsync(owner);
            return new("/log-contact", F(("TourStopId", 0), ("CompanyId", id), ("CompanyName", await w.NameOfAsync(id)), ("MetBy", await w.UserIdAsync(role)),
                ("Interests", "Consulting"), ("Note", "Met at the booth")));
        }),
        ["POST /followups/new"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
            new("/followups/new", F(("CompanyId", await w.CompanyAsync(owner)), ("FollowUp.Wanted", "true"), ("FollowUp.OwnerUserId", await w.UserIdAsync(role)),
                ("FollowUp.DueLocal", "2011-03-10T09:00"), ("FollowUp.TimeZoneId", "Europe/Stockholm")))),
        ["POST /followups/{id:int}/done"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Scheduled);
            return new($"/followups/{id}/done", F(("version", await w.FollowUpVersionAsync(id))));
        }),
        ["POST /followups/{id:int}/cancel"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Scheduled);
            return new($"/followups/{id}/cancel", F(("version", await w.FollowUpVersionAsync(id))));
        }),
        ["POST /followups/{id:int}/retry"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
            new($"/followups/{await w.FollowUpAsync(owner, role, FollowUpState.Failed)}/retry", F())),
        ["POST /followups/{id:int}/snooze"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Reminded);
            return new($"/followups/{id}/snooze", F(("For", SnoozeFollowUp.Choices.OneHour), ("version", await w.FollowUpVersionAsync(id))));
        }),
        ["POST /followups/{id:int}/edit"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Scheduled);
            var version = await w.Deals.DbAsync(db => db.FollowUps.Where(f => f.Id == id).Select(f => f.Version).SingleAsync());
            return new($"/followups/{id}/edit", F(("Version", version), ("FollowUp.Wanted", "true"), ("FollowUp.OwnerUserId", await w.UserIdAsync(role)),
                ("FollowUp.DueLocal", "2011-03-11T09:00"), ("FollowUp.TimeZoneId", "Europe/Stockholm"), ("FollowUp.Note", "Later")));
        }),
        ["POST /presentations/new"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            new("/presentations/new", F(("CompanyName", await w.NameOfAsync(await w.CompanyAsync(owner))), ("ContactName", "Jane Doe"),
                ("ContactEmail", "jane@example.com"), ("City", "San Francisco"), ("Topics", "JitSpeed"), ("AudienceSize", 40)))),
        ["POST /presentations/{id:int}/edit"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Requested);
            return new($"/presentations/{id}/edit", F(("ContactName", "Jane Roe"), ("ContactEmail", "jane@example.com"), ("City", "San Francisco"), ("Topics", "JitSpeed"), ("Version", version)));
        }),
        ["POST /presentations/{id:int}/schedule"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Requested);
            return new($"/presentations/{id}/schedule", F(("Area", TourAreas.BayArea), ("Place", "Their office"), ("StartsLocal", "2011-03-04T12:00"),
                ("EndsLocal", "2011-03-04T13:00"), ("TeamMemberIds", 1), ("ConfirmClashes", "true"), ("Version", version)));
        }),
        ["POST /presentations/{id:int}/deliver"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Scheduled);
            return new($"/presentations/{id}/deliver", F(("Attendance", 30), ("Notes", "Went well"), ("Version", version), ("ConfirmBeforeStart", "true")));
        }),
        ["POST /presentations/{id:int}/decline"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Requested);
            return new($"/presentations/{id}/decline", F(("Reason", "No time"), ("Version", version)));
        }),
        ["POST /presentations/{id:int}/cancel"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Scheduled);
            return new($"/presentations/{id}/cancel", F(("Reason", "They cancelled"), ("Version", version)));
        }),
        ["POST /meetings/new"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            new("/meetings/new", F(("CompanyId", await w.CompanyAsync(owner)), ("Kind", "Lunch"), ("Area", TourAreas.BayArea), ("Place", "Zuni Café"),
                ("StartsLocal", "2011-03-05T12:00"), ("EndsLocal", "2011-03-05T13:00"), ("TeamMemberIds", 2), ("ConfirmClashes", "true")))),
        ["POST /meetings/{id:int}/schedule"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.MeetingAsync(owner);
            return new($"/meetings/{id}/schedule", F(("Kind", "Dinner"), ("Area", TourAreas.BayArea), ("Place", "Zuni Café"), ("StartsLocal", "2011-03-05T19:00"),
                ("EndsLocal", "2011-03-05T21:00"), ("TeamMemberIds", 2), ("ConfirmClashes", "true"), ("Version", version)));
        }),
        ["POST /meetings/{id:int}/held"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.MeetingAsync(owner);
            return new($"/meetings/{id}/held", F(("Outcome", "They want a quote"), ("Version", version)));
        }),
        ["POST /meetings/{id:int}/cancel"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.MeetingAsync(owner);
            return new($"/meetings/{id}/cancel", F(("Outcome", "They could not come"), ("Version", version)));
        }),
        // Filing mail on a company is a change to that company.
        ["POST /intake/{id:long}/attach"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var company = await w.CompanyAsync(owner);
            var (mail, version) = await w.TriageMailAsync();
            return new($"/intake/{mail}/attach", F(("companyId", company), ("version", version)));
        }),
        ["POST /intake/{id:long}/presentation-request"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var name = await w.NameOfAsync(await w.CompanyAsync(owner));
            var (mail, version) = await w.TriageMailAsync();
            return new($"/intake/{mail}/presentation-request", F(("Request.CompanyName", name), ("Request.ContactName", "Jane Doe"),
                ("Request.ContactEmail", "jane@example.com"), ("Request.City", "San Francisco"), ("Request.Topics", "JitSpeed"), ("Request.AudienceSize", 40),
                ("Request.Version", version)));
        }),
        // A deal is always some consultancy's: opening one needs an assigned lead, and there is no unassigned deal.
        ["POST /deals/new"] = new(Rule.ConsultancyOnly, async (w, owner, _) =>
            // The consultancy posted is an admin's choice (needed on an unassigned lead); a member's is ignored.
            new("/deals/new", F([.. DealTests.Fields().Select(f => (f.Key, (object)f.Value)), ("CompanyId", await w.CompanyAsync(owner)), ("ConsultancyId", 1)]))),
        ["POST /deals/{id:int}/edit"] = new(Rule.ConsultancyOnly, async (w, owner, _) =>
        {
            var (id, version) = await w.DealAsync(owner);
            return new($"/deals/{id}/edit", F([.. DealTests.Fields(value: "777").Select(f => (f.Key, (object)f.Value)), ("Version", version)]));
        }, [Owner.OpenEnd, Owner.Merlinux]),
        ["POST /deals/{id:int}/move"] = new(Rule.ConsultancyOnly, async (w, owner, _) =>
        {
            var (id, version) = await w.DealAsync(owner);
            return new($"/deals/{id}/move", F(("Stage", "Qualified"), ("Version", version)));
        }, [Owner.OpenEnd, Owner.Merlinux]),

        // Personal access tokens: one's own; admins revoke anyone's (the one tried is the Open End member's).
        ["POST /settings/tokens"] = new(Rule.SignedIn),
        ["POST /settings/tokens/{id:int}/revoke"] = new(Rule.UploaderOrAdmin, async (w, _, _) =>
            new($"/settings/tokens/{await w.TokenAsync(Role.OpenEndMember, PyPyLeads.AccessTokens.AccessTokenScope.ReadOnly)}/revoke", F()), [Owner.OpenEnd]),

        // The JSON API, with each role's read-write token: the same rules as the pages. Any other address under it is a 404 problem.
        ["ANY /api/v1/{*path:nonfile}"] = new(Rule.SignedIn),
        ["POST /api/v1/companies"] = new(Rule.SignedIn),
        ["PUT /api/v1/companies/{id:int}"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var id = await w.CompanyAsync(owner);
            return Api($"/api/v1/companies/{id}", new { name = await w.NameOfAsync(id), notes = "Edited through the API" }, await w.CompanyVersionAsync(id), "PUT");
        }),
        ["DELETE /api/v1/companies/{id:int}"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            Api($"/api/v1/companies/{await w.CompanyAsync(owner)}", null, method: "DELETE")),
        ["POST /api/v1/companies/{id:int}/restore"] = new(Rule.AdminOnly, async (w, owner, _) =>
        {
            var id = await w.CompanyAsync(owner);
            await w.Deals.DbAsync(db => db.Companies.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAtUtc, Seed.Now)));
            return Api($"/api/v1/companies/{id}/restore", null, await w.CompanyVersionAsync(id));
        }),
        ["POST /api/v1/companies/{id:int}/merge"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var id = await w.CompanyAsync(owner);
            var other = await w.CompanyAsync(Owner.Unassigned);
            return Api($"/api/v1/companies/{id}/merge", new { otherId = other, otherVersion = await w.CompanyVersionAsync(other) }, await w.CompanyVersionAsync(id));
        }),
        ["POST /api/v1/contacts"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
            Api("/api/v1/contacts", new { companyId = await w.CompanyAsync(owner), metBy = new[] { await w.UserIdAsync(role) }, interests = new[] { "Consulting" }, note = "Met at the booth" })),
        ["POST /api/v1/presentations"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            Api("/api/v1/presentations", new { companyName = await w.NameOfAsync(await w.CompanyAsync(owner)), contactName = "Jane Doe", contactEmail = "jane@example.com",
                city = "San Francisco", topics = new[] { "JitSpeed" }, audienceSize = 40 })),
        ["POST /api/v1/presentations/{id:int}/schedule"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Requested);
            return Api($"/api/v1/presentations/{id}/schedule", new { area = TourAreas.BayArea, place = "Their office", startsLocal = "2011-03-04T12:00:00",
                endsLocal = "2011-03-04T13:00:00", teamMemberIds = new[] { 1 }, confirmClashes = true }, version);
        }),
        ["POST /api/v1/presentations/{id:int}/deliver"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Scheduled);
            return Api($"/api/v1/presentations/{id}/deliver", new { attendance = 30, notes = "Went well", confirmBeforeStart = true }, version);
        }),
        ["POST /api/v1/presentations/{id:int}/decline"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Requested);
            return Api($"/api/v1/presentations/{id}/decline", new { reason = "No time" }, version);
        }),
        ["POST /api/v1/presentations/{id:int}/cancel"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.PresentationAsync(owner, PresentationStatus.Scheduled);
            return Api($"/api/v1/presentations/{id}/cancel", new { reason = "They cancelled" }, version);
        }),
        ["POST /api/v1/companies/{id:int}/people"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            Api($"/api/v1/companies/{await w.CompanyAsync(owner)}/people", new { name = "Samuele Pedroni" })),
        ["PUT /api/v1/people/{id:int}"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var person = await w.PersonAsync(await w.CompanyAsync(owner), "Jane Doe");
            return Api($"/api/v1/people/{person}", new { name = "Jane Roe" }, await w.PersonVersionAsync(person), "PUT");
        }),
        ["POST /api/v1/people/{id:int}/merge"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var company = await w.CompanyAsync(owner);
            var keep = await w.PersonAsync(company, "Jane Doe");
            var other = await w.PersonAsync(company, "J. Doe");
            return Api($"/api/v1/people/{keep}/merge", new { otherId = other, otherVersion = await w.PersonVersionAsync(other) }, await w.PersonVersionAsync(keep));
        }),
        ["POST /api/v1/meetings"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
            Api("/api/v1/meetings", new { companyId = await w.CompanyAsync(owner), kind = "Lunch", area = TourAreas.BayArea, place = "Zuni Café",
                startsLocal = "2011-03-05T12:00:00", endsLocal = "2011-03-05T13:00:00", teamMemberIds = new[] { 2 }, confirmClashes = true })),
        ["PUT /api/v1/meetings/{id:int}"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.MeetingAsync(owner);
            return Api($"/api/v1/meetings/{id}", new { kind = "Dinner", area = TourAreas.BayArea, place = "Zuni Café", startsLocal = "2011-03-05T19:00:00",
                endsLocal = "2011-03-05T21:00:00", teamMemberIds = new[] { 2 }, confirmClashes = true }, version, "PUT");
        }),
        ["POST /api/v1/meetings/{id:int}/held"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.MeetingAsync(owner);
            return Api($"/api/v1/meetings/{id}/held", new { outcome = "They want a quote" }, version);
        }),
        ["POST /api/v1/meetings/{id:int}/cancel"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, _) =>
        {
            var (id, version) = await w.MeetingAsync(owner);
            return Api($"/api/v1/meetings/{id}/cancel", new { outcome = "They could not come" }, version);
        }),
        // The public invitation page's endpoint: no token, for anyone.
        ["POST /api/v1/public/presentation-requests"] = new(Rule.Anyone, (_, _, _) =>
            Task.FromResult(Api("/api/v1/public/presentation-requests", new { companyName = "Initech", contactName = "Jane Doe", contactEmail = "jane@example.com" }))),
        ["POST /api/v1/deals"] = new(Rule.ConsultancyOnly, async (w, owner, _) =>
            Api("/api/v1/deals", new { companyId = await w.CompanyAsync(owner), kind = "Consulting", title = "JIT work", value = "12000", currency = "EUR",
                expectedCloseOn = "2011-06-30", consultancyId = 1 })),
        ["PUT /api/v1/deals/{id:int}"] = new(Rule.ConsultancyOnly, async (w, owner, _) =>
        {
            var (id, version) = await w.DealAsync(owner);
            return Api($"/api/v1/deals/{id}", new { kind = "Consulting", title = "JIT work", value = "777", currency = "EUR", expectedCloseOn = "2011-06-30" }, version, "PUT");
        }, [Owner.OpenEnd, Owner.Merlinux]),
        ["POST /api/v1/deals/{id:int}/move"] = new(Rule.ConsultancyOnly, async (w, owner, _) =>
        {
            var (id, version) = await w.DealAsync(owner);
            return Api($"/api/v1/deals/{id}/move", new { stage = "Qualified" }, version);
        }, [Owner.OpenEnd, Owner.Merlinux]),
        ["POST /api/v1/followups"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
            Api("/api/v1/followups", new { companyId = await w.CompanyAsync(owner), ownerUserId = await w.UserIdAsync(role), dueAt = "2011-03-10T09:00:00+01:00" })),
        ["POST /api/v1/followups/{id:int}/complete"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Scheduled);
            return Api($"/api/v1/followups/{id}/complete", null, await w.FollowUpVersionAsync(id));
        }),
        ["POST /api/v1/followups/{id:int}/snooze"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Reminded);
            return Api($"/api/v1/followups/{id}/snooze", new { @for = SnoozeFollowUp.Choices.OneHour }, await w.FollowUpVersionAsync(id));
        }),
        ["POST /api/v1/followups/{id:int}/cancel"] = new(Rule.ConsultancyOrUnassigned, async (w, owner, role) =>
        {
            var id = await w.FollowUpAsync(owner, role, FollowUpState.Scheduled);
            return Api($"/api/v1/followups/{id}/cancel", null, await w.FollowUpVersionAsync(id));
        }),
    };

    private static readonly Role[] Roles = [Role.Anonymous, Role.OpenEndMember, Role.MerlinuxMember, Role.Admin];

    [Fact]
    public void Every_endpoint_that_can_change_something_has_a_declared_rule()
    {
        var mutating = world.MutatingEndpoints();
        Assert.True(mutating.Count >= 40, $"Only {mutating.Count} mutating endpoints found: {string.Join(", ", mutating)}");
        Assert.Empty(mutating.Except(Table.Keys).Order());
        // A rule for an endpoint that no longer exists is a stale table, not a check.
        Assert.Empty(Table.Keys.Except(mutating).Order());
    }

    public static TheoryData<string> Endpoints() => new(Table.Keys.Order());

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_role_may_do_what_the_rule_says_on_each_owners_records(string endpoint)
    {
        var declared = Table[endpoint];
        var tried = new List<string>();
        foreach (var role in Roles)
        {
            foreach (var owner in declared.Arrange is null ? [Owner.Unassigned] : declared.Owners ?? AllOwners)
            {
                var attempt = declared.Arrange is null ? new Attempt(world.SamplePath(endpoint), []) : await declared.Arrange(world, owner, role);
                var before = await world.FingerprintAsync();
                var response = await world.PostAsync(role, attempt);
                var after = await world.FingerprintAsync();
                var what = $"{endpoint} as {role} on {owner}'s record: {(int)response.StatusCode} {response.Headers.Location}";
                tried.Add(what);
                if (endpoint == "POST /account/signout" && role != Role.Anonymous)
                {
                    await world.SignInAgainAsync(role);
                }
                // The error pages answer with the status they describe; nothing else may fail.
                Assert.True((int)response.StatusCode < 500 || declared.Rule == Rule.ChangesNothing, what);
                // The sign-in challenge: to the sign-in page, with the way back; the API's is a 401 asking for a bearer token.
                var signIn = attempt.IsApi
                    ? response.StatusCode == HttpStatusCode.Unauthorized && response.Headers.WwwAuthenticate.ToString().StartsWith("Bearer", StringComparison.Ordinal)
                    : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } to
                      && new Uri(new Uri("http://localhost"), to) is { AbsolutePath: "/account/signin" } challenge && challenge.Query.Contains("ReturnUrl=", StringComparison.Ordinal);
                switch (Expected(declared.Rule, role, owner))
                {
                    case Expect.Changes:
                        Assert.False(signIn || response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, what);
                        Assert.True(before != after, what + ": allowed, but nothing changed");
                        break;
                    case Expect.NotRefused:
                        Assert.False(signIn || response.StatusCode == HttpStatusCode.Forbidden, what);
                        break;
                    case Expect.SignIn:
                        Assert.True(signIn, what);
                        Assert.Equal(before, after);
                        break;
                    case Expect.Forbidden:
                        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, what);
                        Assert.Equal(before, after);
                        break;
                    case Expect.Hidden:
                        Assert.True(response.StatusCode == HttpStatusCode.NotFound, what);
                        Assert.Equal(before, after);
                        break;
                    case Expect.Unchanged:
                        Assert.False(signIn, what);
                        Assert.Equal(before, after);
                        break;
                }
            }
        }
        Assert.NotEmpty(tried);
    }

    /// <summary>The API's changes with a token (its fallback, a 404 for any other address, changes nothing for anyone; the public invitation takes no token).</summary>
    public static TheoryData<string> ApiChanges() => new(Table.Keys.Where(k => k.Contains(" /api/", StringComparison.Ordinal) && !k.StartsWith("ANY", StringComparison.Ordinal)
        && Table[k].Rule != Rule.Anyone).Order());

    [Theory]
    [MemberData(nameof(ApiChanges))]
    public async Task A_read_only_token_is_refused_each_api_change_with_403_even_an_admins_and_changes_nothing(string endpoint)
    {
        var declared = Table[endpoint];
        var attempt = declared.Arrange is null ? new Attempt(world.SamplePath(endpoint), []) : await declared.Arrange(world, Owner.OpenEnd, Role.Admin);
        using var readOnly = ApiTokens.Client(world.Deals, await ApiTokens.MakeAsync(world.Deals, await world.UserIdAsync(Role.Admin), PyPyLeads.AccessTokens.AccessTokenScope.ReadOnly));
        var before = await world.FingerprintAsync();

        var response = await ApiTokens.SendAsync(readOnly, new HttpMethod(attempt.Method), attempt.Url, attempt.Json ?? new { }, attempt.IfMatch);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await world.FingerprintAsync());
    }

    private enum Expect
    {
        Changes,
        NotRefused,
        SignIn,
        Forbidden,
        Hidden,
        Unchanged,
    }

    private static Expect Expected(Rule rule, Role role, Owner owner)
    {
        var ownConsultancy = (role, owner) is (Role.OpenEndMember, Owner.OpenEnd) or (Role.MerlinuxMember, Owner.Merlinux);
        return rule switch
        {
            Rule.Anyone => Expect.NotRefused,
            Rule.ChangesNothing => Expect.Unchanged,
            _ when role == Role.Anonymous => Expect.SignIn,
            Rule.SignedIn => Expect.NotRefused,
            Rule.AdminOnly => role == Role.Admin ? Expect.NotRefused : Expect.Forbidden,
            Rule.ConsultancyOrUnassigned => role == Role.Admin || ownConsultancy || owner == Owner.Unassigned ? Expect.Changes : Expect.Forbidden,
            Rule.ConsultancyOnly => role == Role.Admin || ownConsultancy ? Expect.Changes : Expect.Forbidden,
            // The import in the table is the Open End member's.
            Rule.UploaderOrAdmin => role is Role.Admin or Role.OpenEndMember ? Expect.Changes : Expect.Hidden,
            _ => throw new InvalidOperationException(rule.ToString()),
        };
    }

    private static Task<Attempt> Import(World w, Owner owner, Role role) => w.ImportAsync();

    /// <summary>A form's fields; values are written as the invariant culture writes them.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> F(params (string Name, object Value)[] fields) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Name, Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? "")).ToList();

    /// <summary>The app with an admin, an Open End member, a merlinux member and a visitor; no job server, so nothing changes the database but the requests.</summary>
    public sealed class World : IAsyncLifetime
    {
        public DealsWorld Deals { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Deals = await DealsWorld.StartAsync(app => app.With("Hangfire:RunServer", "false"));
            // Each role's token is made now, not inside a tried request, where it would count as a change.
            foreach (var role in Roles.Where(r => r != Role.Anonymous))
            {
                (await ApiClientAsync(role)).Dispose();
            }
        }

        public async Task DisposeAsync() => await Deals.DisposeAsync();

        /// <summary>
        /// "POST /companies/{id:int}/edit" for each MVC action and each JSON API endpoint that answers a verb that can
        /// change something (or any verb).
        /// </summary>
        public IReadOnlyList<string> MutatingEndpoints() =>
            Deals.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<ControllerActionDescriptor>() is not null
                            || e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
                .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                    .Where(m => m is "POST" or "PUT" or "DELETE" or "PATCH" or "ANY")
                    // The API's group maps its lists and creates at "companies/", which answers "companies" too.
                    .Select(m => $"{m} /{e.RoutePattern.RawText?.TrimStart('/')}" is var key && key.Contains(" /api/", StringComparison.Ordinal) ? key.TrimEnd('/') : key))
                .Distinct().ToList();

        /// <summary>The endpoint's path with a sample value for each parameter (a record that may not exist: the rule is checked first).</summary>
        public string SamplePath(string endpoint) =>
            System.Text.RegularExpressions.Regex.Replace(endpoint[(endpoint.IndexOf(' ', StringComparison.Ordinal) + 1)..], @"\{[^}]+\}", p => p.Value switch
            {
                var g when g.Contains(":guid", StringComparison.Ordinal) => Guid.Empty.ToString(),
                "{code:int}" => "404",
                _ => "1",
            }).Replace("/1/export-right", "/nobody/export-right", StringComparison.Ordinal);

        public HttpClient Client(Role role) => role switch
        {
            Role.Anonymous => Deals.Anonymous,
            Role.OpenEndMember => Deals.OpenEnd,
            Role.MerlinuxMember => Deals.Merlinux,
            _ => Deals.Admin,
        };

        /// <summary>Signs the role's client in again (after the sign-out endpoint was tried with it).</summary>
        public async Task SignInAgainAsync(Role role)
        {
            var (email, password) = role switch
            {
                Role.OpenEndMember => ("jacob@openend.se", "a long enough password"),
                Role.MerlinuxMember => ("holger@merlinux.eu", "a long enough password"),
                _ => (People.AdminEmail, People.AdminPassword),
            };
            People.Expect(await People.SignInAsync(Client(role), email, password), HttpStatusCode.Redirect, "/");
        }

        public Task<string> UserIdAsync(Role role) => Deals.UserIdAsync(role switch
        {
            Role.OpenEndMember => "jacob@openend.se",
            Role.MerlinuxMember => "holger@merlinux.eu",
            _ => People.AdminEmail,
        });

        /// <summary>Each role's read-write token (none for the visitor), made once.</summary>
        private readonly Dictionary<Role, string> _tokens = [];

        /// <summary>A client of the JSON API with the role's read-write token (the visitor's has none).</summary>
        public async Task<HttpClient> ApiClientAsync(Role role)
        {
            var client = Deals.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            if (role != Role.Anonymous)
            {
                if (!_tokens.TryGetValue(role, out var secret))
                {
                    secret = _tokens[role] = await ApiTokens.MakeAsync(Deals, await UserIdAsync(role), PyPyLeads.AccessTokens.AccessTokenScope.ReadWrite);
                }
                client.DefaultRequestHeaders.Authorization = new("Bearer", secret);
            }
            return client;
        }

        /// <summary>A token of the role's user, as its id.</summary>
        public async Task<int> TokenAsync(Role role, PyPyLeads.AccessTokens.AccessTokenScope scope)
        {
            var user = await UserIdAsync(role);
            await ApiTokens.MakeAsync(Deals, user, scope);
            return await Deals.DbAsync(db => db.AccessTokens.Where(t => t.UserId == user).MaxAsync(t => t.Id));
        }

        /// <summary>Posts the form with the role's antiforgery token, as a forged or replayed request would; an API request with the role's token.</summary>
        public async Task<HttpResponseMessage> PostAsync(Role role, Attempt attempt)
        {
            if (attempt.IsApi)
            {
                using var api = await ApiClientAsync(role);
                // A JSON body always (empty when the attempt has none): without one the API's create endpoints do not match.
                return await ApiTokens.SendAsync(api, new HttpMethod(attempt.Method), attempt.Url, attempt.Json ?? new { }, attempt.IfMatch);
            }
            var client = Client(role);
            var fields = attempt.Fields.ToList();
            var home = await client.GetAsync("/");
            if (home.StatusCode == HttpStatusCode.OK)
            {
                var page = await home.ReadPageAsync();
                fields.Add(new("__RequestVerificationToken", page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!));
            }
            return await client.PostAsync(attempt.Url, new FormUrlEncodedContent(fields));
        }

        public Task<string> FingerprintAsync() => Deals.DbAsync(Seed.FingerprintAsync);

        public Task<int> CompanyAsync(Owner owner) => Deals.DbAsync(db => Seed.CompanyAsync(db, ConsultancyOf(owner)));

        public Task<string> NameOfAsync(int companyId) => Deals.DbAsync(db => Seed.NameAsync(db, companyId));

        public Task<int> PersonAsync(int companyId, string name) => Deals.DbAsync(db => Seed.PersonAsync(db, companyId, name));

        // The versions a page shows and its forms post back.
        public Task<long> CompanyVersionAsync(int id) => Deals.DbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.Version).SingleAsync());

        public Task<long> PersonVersionAsync(int id) => Deals.DbAsync(db => db.People.Where(p => p.Id == id).Select(p => p.Version).SingleAsync());

        public Task<long> FollowUpVersionAsync(int id) => Deals.DbAsync(db => db.FollowUps.Where(f => f.Id == id).Select(f => f.Version).SingleAsync());

        /// <summary>A follow-up with a company of the owner, owned and scheduled by the role's user (the admin's for a visitor).</summary>
        public async Task<int> FollowUpAsync(Owner owner, Role role, FollowUpState state)
        {
            var company = await CompanyAsync(owner);
            var user = await UserIdAsync(role);
            return await Deals.DbAsync(db => Seed.FollowUpAsync(db, company, user, state));
        }

        public async Task<(int Id, long Version)> PresentationAsync(Owner owner, PresentationStatus status)
        {
            var company = await CompanyAsync(owner);
            return await Deals.DbAsync(db => Seed.PresentationAsync(db, company, status));
        }

        public async Task<(int Id, long Version)> MeetingAsync(Owner owner)
        {
            var company = await CompanyAsync(owner);
            return await Deals.DbAsync(db => Seed.MeetingAsync(db, company));
        }

        /// <summary>A deal of the owner's consultancy on a company of that consultancy.</summary>
        public async Task<(int Id, long Version)> DealAsync(Owner owner)
        {
            var consultancy = ConsultancyOf(owner) ?? throw new InvalidOperationException("A deal is always some consultancy's.");
            var id = await Deals.DealAsync(await CompanyAsync(owner), consultancy, consultancy == Consultancy.OpenEndId ? "jacob@openend.se" : "holger@merlinux.eu");
            return (id, (await Deals.ReadDealAsync(id)).Version);
        }

        /// <summary>A CSV import the Open End member uploaded and has not confirmed yet.</summary>
        public async Task<Attempt> ImportAsync()
        {
            var uploader = await UserIdAsync(Role.OpenEndMember);
            var id = Guid.NewGuid();
            await Deals.DbAsync(async db =>
            {
                db.CsvImports.Add(new CsvImport
                {
                    Id = id, FileName = "leads.csv", Content = "Company\nInitech\n", UploadedByUserId = uploader, UploadedByName = "Jacob Hallén",
                    UploadedAtUtc = DealsWorld.Start.UtcDateTime, State = CsvImportState.Previewed, TotalRows = 1,
                });
                return await db.SaveChangesAsync();
            });
            return new($"/companies/import/{id}/confirm", []);
        }

        /// <summary>A message waiting in triage, imported through the real import.</summary>
        public async Task<(long Id, long Version)> TriageMailAsync()
        {
            var id = $"{Guid.NewGuid():N}@initech.example";
            var raw = System.Text.Encoding.ASCII.GetBytes($"From: someone@initech.example\r\nTo: team@openend.se\r\nSubject: Hello\r\nMessage-ID: <{id}>\r\n\r\nHi\r\n");
            await using var scope = Deals.App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PyPyLeads.Intake.ImportMail>()
                .ImportAsync([new PyPyLeads.Intake.RawMail(raw)], "test", null, 0, CancellationToken.None);
            return await Deals.DbAsync(db => db.IntakeMessages.Where(m => m.MessageId == id).Select(m => new ValueTuple<long, long>(m.Id, m.Version)).SingleAsync());
        }

        public static int? ConsultancyOf(Owner owner) => owner switch
        {
            Owner.OpenEnd => Consultancy.OpenEndId,
            Owner.Merlinux => Consultancy.MerlinuxId,
            _ => null,
        };
    }
}
