using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.FollowUps;
using PyPyLeads.Schedule;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Security;

/// <summary>
/// Each consultancy's data its own, use case by use case, called directly on a real SQLite file: a member changes
/// their consultancy's records and unassigned ones, not the other consultancy's (refused with a message naming it,
/// nothing changed), a member of neither only unassigned ones, and an admin every one.
/// </summary>
public sealed class ConsultancyRuleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(Seed.Now));
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;
    private Caller _jacob = null!;
    private Caller _holger = null!;
    private Caller _armin = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app =>
        {
            app.Clock = _clock;
            app.With("Hangfire:RunServer", "false");
        });
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
        _jacob = await _rig.UserAsync("Jacob Hallén", "jacob@openend.se", consultancyId: Consultancy.OpenEndId);
        _holger = await _rig.UserAsync("Holger Krekel", "holger@merlinux.eu", consultancyId: Consultancy.MerlinuxId);
        _armin = await _rig.UserAsync("Armin Rigo", "arigo@example.org");
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    /// <summary>Makes a fresh record of a consultancy (null: unassigned), for the caller where it names them, and returns the call of the use case on it.</summary>
    private delegate Task<Func<Task<Outcome>>> Arrange(ConsultancyRuleTests t, int? consultancyId, Caller caller);

    private static Task<long> CompanyVersionAsync(LeadsDbContext db, int id) => db.Companies.Where(x => x.Id == id).Select(x => x.Version).SingleAsync();

    private static Task<long> PersonVersionAsync(LeadsDbContext db, int id) => db.People.Where(x => x.Id == id).Select(x => x.Version).SingleAsync();

    private static Task<long> FollowUpVersionAsync(LeadsDbContext db, int id) => db.FollowUps.Where(x => x.Id == id).Select(x => x.Version).SingleAsync();

    private static readonly Dictionary<string, Arrange> UseCases = new()
    {
        [nameof(EditCompany)] = async (t, c, caller) =>
        {
            var id = await t.CompanyAsync(c);
            var name = await t._rig.DbAsync(db => Seed.NameAsync(db, id));
            return () => t.Run<EditCompany>(u => u.RunAsync(new(id, name, null, "Palo Alto", null, null, null, LeadSource.Other, null, 0), caller, default));
        },
        [nameof(DeleteCompany)] = async (t, c, caller) =>
        {
            var id = await t.CompanyAsync(c);
            return () => t.Run<DeleteCompany>(u => u.RunAsync(new(id), caller, default));
        },
        [nameof(MergeCompanies)] = async (t, c, caller) =>
        {
            var keep = await t.CompanyAsync(c);
            var other = await t.CompanyAsync(null);
            var (keepVersion, otherVersion) = await t._rig.DbAsync(async db => (await CompanyVersionAsync(db, keep), await CompanyVersionAsync(db, other)));
            return () => t.Run<MergeCompanies>(u => u.RunAsync(new(keep, other, keepVersion, otherVersion), caller, default));
        },
        [nameof(AddPerson)] = async (t, c, caller) =>
        {
            var id = await t.CompanyAsync(c);
            return () => t.Run<AddPerson>(u => u.RunAsync(new(id, "Samuele Pedroni", null, null, null), caller, default));
        },
        [nameof(EditPerson)] = async (t, c, caller) =>
        {
            var person = await t._rig.DbAsync(async db => await Seed.PersonAsync(db, await Seed.CompanyAsync(db, c), "Jane Doe"));
            var version = await t._rig.DbAsync(db => db.People.Where(p => p.Id == person).Select(p => p.Version).SingleAsync());
            return () => t.Run<EditPerson>(u => u.RunAsync(new(person, "Jane Roe", null, null, null, version), caller, default));
        },
        [nameof(MergePeople)] = async (t, c, caller) =>
        {
            var company = await t.CompanyAsync(c);
            var keep = await t._rig.DbAsync(db => Seed.PersonAsync(db, company, "Jane Doe"));
            var other = await t._rig.DbAsync(db => Seed.PersonAsync(db, company, "J. Doe"));
            var (keepVersion, otherVersion) = await t._rig.DbAsync(async db => (await PersonVersionAsync(db, keep), await PersonVersionAsync(db, other)));
            return () => t.Run<MergePeople>(u => u.RunAsync(new(keep, other, keepVersion, otherVersion), caller, default));
        },
        [nameof(LogContact)] = async (t, c, caller) =>
        {
            var company = await t.CompanyAsync(c);
            return () => t.Run<LogContact>(u => u.RunAsync(new LogContact.Input
            {
                TourStopId = 0, CompanyId = company, PersonName = "Jane Doe", MetBy = [caller.UserId], Interests = [Interests.Consulting],
            }, caller, default));
        },
        [nameof(ScheduleFollowUp)] = async (t, c, caller) =>
        {
            var company = await t.CompanyAsync(c);
            return () => t.Run<ScheduleFollowUp>(u => u.RunAsync(new(company, null, null, caller.UserId, new DateTime(2011, 3, 10, 8, 0, 0, DateTimeKind.Utc), null), caller, default));
        },
        [nameof(CompleteFollowUp)] = async (t, c, caller) =>
        {
            var id = await t.FollowUpAsync(c, caller, FollowUpState.Scheduled);
            var version = await t._rig.DbAsync(db => FollowUpVersionAsync(db, id));
            return () => t.Run<CompleteFollowUp>(u => u.RunAsync(new(id, version), caller, default));
        },
        [nameof(CancelFollowUp)] = async (t, c, caller) =>
        {
            var id = await t.FollowUpAsync(c, caller, FollowUpState.Scheduled);
            var version = await t._rig.DbAsync(db => FollowUpVersionAsync(db, id));
            return () => t.Run<CancelFollowUp>(u => u.RunAsync(new(id, version), caller, default));
        },
        [nameof(SnoozeFollowUp)] = async (t, c, caller) =>
        {
            var id = await t.FollowUpAsync(c, caller, FollowUpState.Reminded);
            var version = await t._rig.DbAsync(db => FollowUpVersionAsync(db, id));
            return () => t.Run<SnoozeFollowUp>(u => u.RunAsync(new(id, SnoozeFollowUp.Choices.OneHour, version), caller, default));
        },
        [nameof(RetryFollowUpDelivery)] = async (t, c, caller) =>
        {
            var id = await t.FollowUpAsync(c, caller, FollowUpState.Failed);
            return () => t.Run<RetryFollowUpDelivery>(u => u.RunAsync(new(id), caller, default));
        },
        [nameof(EditFollowUp)] = async (t, c, caller) =>
        {
            var id = await t.FollowUpAsync(c, caller, FollowUpState.Scheduled);
            var version = await t._rig.DbAsync(db => db.FollowUps.Where(f => f.Id == id).Select(f => f.Version).SingleAsync());
            return () => t.Run<EditFollowUp>(u => u.RunAsync(new(id, version, caller.UserId, new DateTime(2011, 3, 11, 8, 0, 0, DateTimeKind.Utc), "Later"), caller, default));
        },
        [nameof(RequestPresentation)] = async (t, c, caller) =>
        {
            var name = await t._rig.DbAsync(async db => await Seed.NameAsync(db, await Seed.CompanyAsync(db, c)));
            return () => t.Run<RequestPresentation>(u => u.RunAsync(new(name, null, "Jane Doe", "jane@example.com", null, "San Francisco", null, 40, [Topics.JitSpeed], null, null), caller, default));
        },
        [nameof(EditPresentationRequest)] = async (t, c, caller) =>
        {
            var (id, version) = await t._rig.DbAsync(async db => await Seed.PresentationAsync(db, await Seed.CompanyAsync(db, c), PresentationStatus.Requested));
            return () => t.Run<EditPresentationRequest>(u => u.RunAsync(new(id, "Jane Roe", "jane@example.com", null, "San Francisco", null, 40, [Topics.JitSpeed], null, null, version), caller, default));
        },
        [nameof(DeliverPresentation)] = async (t, c, caller) =>
        {
            var (id, version) = await t._rig.DbAsync(async db => await Seed.PresentationAsync(db, await Seed.CompanyAsync(db, c), PresentationStatus.Scheduled));
            return () => t.Run<DeliverPresentation>(u => u.RunAsync(new(id, 30, "Went well", version, ConfirmBeforeStart: true), caller, default));
        },
        [nameof(ClosePresentation)] = async (t, c, caller) =>
        {
            var (id, version) = await t._rig.DbAsync(async db => await Seed.PresentationAsync(db, await Seed.CompanyAsync(db, c), PresentationStatus.Requested));
            return () => t.Run<ClosePresentation>(u => u.RunAsync(new(id, PresentationStatus.Declined, "No time", version), caller, default));
        },
        [nameof(CloseMeeting)] = async (t, c, caller) =>
        {
            var (id, version) = await t._rig.DbAsync(async db => await Seed.MeetingAsync(db, await Seed.CompanyAsync(db, c)));
            return () => t.Run<CloseMeeting>(u => u.RunAsync(new(id, MeetingStatus.Held, "They want a quote", version), caller, default));
        },
        [nameof(ScheduleMeeting)] = async (t, c, caller) =>
        {
            var company = await t.CompanyAsync(c);
            return () => t.Run<ScheduleMeeting>(u => u.RunAsync(new(company, null, MeetingKind.Lunch, TourAreas.BayArea, "Zuni Café", null,
                new DateTime(2011, 3, 5, 12, 0, 0), new DateTime(2011, 3, 5, 13, 0, 0), [2], [], ConfirmClashes: true), caller, default));
        },
        [nameof(RescheduleMeeting)] = async (t, c, caller) =>
        {
            var (id, version) = await t._rig.DbAsync(async db => await Seed.MeetingAsync(db, await Seed.CompanyAsync(db, c)));
            return () => t.Run<RescheduleMeeting>(u => u.RunAsync(new(id, MeetingKind.Dinner, TourAreas.BayArea, "Zuni Café", null,
                new DateTime(2011, 3, 5, 19, 0, 0), new DateTime(2011, 3, 5, 21, 0, 0), [2], [], ConfirmClashes: true, version), caller, default));
        },
    };

    public static TheoryData<string> Names() => new(UseCases.Keys.Order());

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_member_changes_their_consultancys_and_unassigned_leads_and_an_admin_every_one(string useCase)
    {
        var arrange = UseCases[useCase];
        foreach (var (consultancy, caller, who) in new[]
                 {
                     ((int?)Consultancy.OpenEndId, _jacob, "Open End member on Open End's"),
                     (null, _holger, "merlinux member on an unassigned lead"),
                     (null, _armin, "member of neither on an unassigned lead"),
                     (Consultancy.MerlinuxId, _laura, "admin (of Open End) on merlinux's"),
                 })
        {
            var run = await arrange(this, consultancy, caller);
            var before = await _rig.DbAsync(Seed.FingerprintAsync);
            var outcome = await run();
            Assert.True(outcome.GetType().IsGenericType && outcome.GetType().GetGenericTypeDefinition() == typeof(Done<>), $"{useCase}, {who}: {outcome}");
            Assert.NotEqual(before, await _rig.DbAsync(Seed.FingerprintAsync));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_member_cannot_change_the_other_consultancys_leads_and_nothing_changes(string useCase)
    {
        var arrange = UseCases[useCase];
        foreach (var (consultancy, caller) in new[] { (Consultancy.OpenEndId, _holger), (Consultancy.MerlinuxId, _jacob), (Consultancy.OpenEndId, _armin) })
        {
            var run = await arrange(this, consultancy, caller);
            var before = await _rig.DbAsync(Seed.FingerprintAsync);
            var refused = Assert.IsType<NotAllowed>(await run());
            Assert.Contains($"is {Consultancy.Describe(consultancy)}'s: only its members and admins", refused.Message, StringComparison.Ordinal);
            Assert.Equal(before, await _rig.DbAsync(Seed.FingerprintAsync));
        }
    }

    private Task<Outcome> Run<TUseCase>(Func<TUseCase, Task<Outcome>> call) where TUseCase : notnull => _rig.RunAsync(call);

    private Task<int> CompanyAsync(int? consultancyId) => _rig.DbAsync(db => Seed.CompanyAsync(db, consultancyId));

    private async Task<int> FollowUpAsync(int? consultancyId, Caller caller, FollowUpState state)
    {
        var company = await CompanyAsync(consultancyId);
        return await _rig.DbAsync(db => Seed.FollowUpAsync(db, company, caller.UserId, state));
    }
}
