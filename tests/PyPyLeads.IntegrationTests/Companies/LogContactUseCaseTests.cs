using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Tour;
using PyPyLeads.UseCases;

namespace PyPyLeads.IntegrationTests.Companies;

/// <summary>The log-a-contact use case, called directly on a real SQLite file (the page's tests are in <see cref="LogContactTests"/>).</summary>
public sealed class LogContactUseCaseTests : IAsyncLifetime
{
    private const int YelpTalk = 2;
    private readonly FakeTimeProvider _clock = new(CompanyTestKit.AtYelpTalk);
    private readonly SaveFirstElsewhere _race = new();
    private readonly CancelOnInsert _drop = new();
    private readonly ReadAtCommit _atCommit = new();
    private UseCaseRig _rig = null!;
    private Caller _laura = null!;

    public async Task InitializeAsync()
    {
        _rig = UseCaseRig.Start(app =>
        {
            app.Clock = _clock;
            app.WithServices(s => s.ConfigureDbContext<LeadsDbContext>(o => o.AddInterceptors(_race, _drop, _atCommit)));
        });
        _laura = await _rig.UserAsync("Laura Creighton", "lac@openend.se", admin: true, consultancyId: Consultancy.OpenEndId);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private LogContact.Input Contact(string? company, string? person = null) =>
        new() { TourStopId = YelpTalk, CompanyName = company, PersonName = person, MetBy = [_laura.UserId] };

    private Task<Outcome> Log(LogContact.Input input, Caller? caller = null, CancellationToken cancellationToken = default) =>
        _rig.RunAsync<LogContact, Outcome>(u => u.RunAsync(input, caller ?? _laura, cancellationToken));

    private Task<int> Count<T>() where T : class => _rig.DbAsync(db => db.Set<T>().CountAsync());

    [Fact]
    public async Task A_contact_creates_the_company_the_person_and_the_encounter_with_timeline_entries_by_display_name()
    {
        var armin = await _rig.UserAsync("Armin Rigo", "arigo@openend.se", consultancyId: Consultancy.OpenEndId);

        var outcome = await Log(Contact("Yelp", "Maciej Fijałkowski") with
        {
            CompanyDomain = "https://www.yelp.com/about", PersonRole = "Engineer", PersonEmail = "Fijal@Example.org",
            MetBy = [_laura.UserId, armin.UserId, armin.UserId, ""], Interests = [Interests.Consulting, Interests.Hiring], Note = "Wants the JIT.",
        }, armin);

        var logged = Assert.IsType<Done<LogContact.Logged>>(outcome).Value;
        Assert.Equal("Logged: met Maciej Fijałkowski (Engineer), new contact at the Yelp talk.", logged.Message);
        var company = await _rig.DbAsync(db => db.Companies.Include(c => c.People).SingleAsync());
        Assert.Equal((logged.CompanyId, "Yelp", "yelp.com", LeadSource.TourStop, (int?)YelpTalk, armin.UserId),
            (company.Id, company.Name, company.DomainKey, company.Source, company.SourceTourStopId, company.CreatedByUserId));
        Assert.Equal(("Maciej Fijałkowski", "fijal@example.org"), (company.People.Single().Name, company.People.Single().EmailKey));
        var encounter = await _rig.DbAsync(db => db.Encounters.Include(e => e.MetBy).SingleAsync());
        Assert.Equal((Interests.Consulting | Interests.Hiring, "Wants the JIT.", _clock.GetUtcNow().UtcDateTime), (encounter.Interests, encounter.Note, encounter.MetAtUtc));
        Assert.Equal(new[] { _laura.UserId, armin.UserId }.Order(), encounter.MetBy.Select(m => m.UserId).Order());
        var timeline = await _rig.DbAsync(db => db.Timeline.Where(t => t.CompanyId == company.Id).OrderBy(t => t.Id).ToListAsync());
        Assert.Equal([CompanyTimeline.CompanyCreated, CompanyTimeline.Encounter], timeline.Select(t => t.Kind));
        Assert.All(timeline, t => Assert.Equal("Armin Rigo", t.ActorName));
        Assert.Equal("Armin Rigo added this company", timeline[0].Summary);
        Assert.Equal("Met by Armin Rigo, Laura Creighton\nInterested in: consulting, hiring\n\nWants the JIT.", timeline[1].Details);
        // Found by the person's name at once.
        Assert.Contains(company.Id, await _rig.DbAsync(async db => await (await db.Companies.MatchingAsync(db, "fijal")).Select(c => c.Id).ToListAsync()));
    }

    [Theory]
    [InlineData("yelp, inc.", null, "same name")]
    [InlineData("Yelp Europe", "www.yelp.com/about", "same web domain")]
    public async Task A_new_company_that_meets_an_existing_one_is_offered_and_nothing_is_saved(string name, string? domain, string reason)
    {
        var yelp = await _rig.CompanyAsync("Yelp", c => (c.WebDomain, c.DomainKey) = ("yelp.com", "yelp.com"));

        var outcome = await Log(Contact(name, "Jane Doe") with { CompanyDomain = domain });

        var duplicates = Assert.IsType<DuplicatesFound<CompanyMatch>>(outcome);
        Assert.Equal((yelp, reason), (Assert.Single(duplicates.Matches).Id, duplicates.Matches[0].Reason));
        Assert.Equal(("CompanyName", $"“Yelp” is already here ({reason}). Use it, or change the name."), (duplicates.Field, duplicates.Message));
        Assert.Equal((1, 0, 0), (await Count<Company>(), await Count<Person>(), await Count<Encounter>()));
    }

    [Fact]
    public async Task Using_an_offered_company_logs_the_contact_there_whatever_name_was_typed()
    {
        var yelp = await _rig.CompanyAsync("Yelp");

        var outcome = await Log(Contact("YELP Inc", "Jane Doe") with { UseCompanyId = yelp });

        Assert.Equal(yelp, Assert.IsType<Done<LogContact.Logged>>(outcome).Value.CompanyId);
        Assert.Equal((1, yelp), (await Count<Company>(), await _rig.DbAsync(db => db.Encounters.Select(e => e.CompanyId).SingleAsync())));
    }

    [Fact]
    public async Task A_chosen_company_whose_name_was_typed_over_is_a_new_company()
    {
        var yelp = await _rig.CompanyAsync("Yelp");

        var outcome = await Log(Contact("Mozilla") with { CompanyId = yelp });

        Assert.NotEqual(yelp, Assert.IsType<Done<LogContact.Logged>>(outcome).Value.CompanyId);
        Assert.Equal(["Yelp", "Mozilla"], await _rig.DbAsync(db => db.Companies.OrderBy(c => c.Id).Select(c => c.Name).ToListAsync()));
    }

    [Fact]
    public async Task A_chosen_company_deleted_meanwhile_is_refused_beside_the_company_name()
    {
        var gone = await _rig.CompanyAsync("Yelp", c => c.DeletedAtUtc = DateTime.UtcNow);

        var invalid = Assert.IsType<Invalid>(await Log(Contact("Yelp") with { CompanyId = gone }));

        Assert.Equal([new FieldError("CompanyName", LogContact.CompanyGone)], invalid.Errors);
        Assert.Equal(0, await Count<Encounter>());
    }

    [Fact]
    public async Task A_chosen_company_merged_meanwhile_leads_to_the_one_it_was_merged_into()
    {
        var survivor = await _rig.CompanyAsync("Yelp");
        var merged = await _rig.CompanyAsync("Yelp Europe", c => (c.MergedIntoCompanyId, c.DeletedAtUtc) = (survivor, DateTime.UtcNow));

        var outcome = await Log(Contact("Yelp Europe") with { CompanyId = merged });

        Assert.Equal(survivor, Assert.IsType<Done<LogContact.Logged>>(outcome).Value.CompanyId);
    }

    [Fact]
    public async Task A_person_with_the_same_email_at_the_company_is_offered_and_cannot_be_someone_else()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp", "Jane Doe") with { CompanyId = yelp, PersonEmail = "jane@yelp.com" }));

        var outcome = await Log(Contact("Yelp", "J. Doe") with { CompanyId = yelp, PersonEmail = " JANE@yelp.com", NewPerson = true });

        var duplicates = Assert.IsType<DuplicatesFound<PersonMatch>>(outcome);
        Assert.Equal(("PersonEmail", "Jane Doe at Yelp has this e-mail address. Use them, or correct the address."), (duplicates.Field, duplicates.Message));
        var match = Assert.Single(duplicates.Matches);
        Assert.Equal(("Jane Doe", true, yelp, "Yelp"), (match.Name, match.ByEmail, match.CompanyId, match.CompanyName));
        Assert.Equal((1, 1), (await Count<Person>(), await Count<Encounter>()));
    }

    [Fact]
    public async Task A_person_with_the_same_name_is_offered_unless_the_caller_says_it_is_someone_else()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp", "Jacob Hallén") with { CompanyId = yelp }));

        var duplicates = Assert.IsType<DuplicatesFound<PersonMatch>>(await Log(Contact("Yelp", "jacob hallen") with { CompanyId = yelp }));
        Assert.Equal(("PersonName", "Someone called Jacob Hallén is already at Yelp. Is it them?"), (duplicates.Field, duplicates.Message));

        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp", "jacob hallen") with { CompanyId = yelp, NewPerson = true }));
        Assert.Equal(["Jacob Hallén", "jacob hallen"], await _rig.DbAsync(db => db.People.OrderBy(p => p.Id).Select(p => p.Name).ToListAsync()));
    }

    [Fact]
    public async Task A_chosen_person_gets_what_they_told_this_time_and_nothing_known_is_overwritten()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp", "Jane Doe") with { CompanyId = yelp, PersonRole = "CTO" }));
        var jane = await _rig.DbAsync(db => db.People.Select(p => p.Id).SingleAsync());

        var outcome = await Log(Contact("Yelp") with { CompanyId = yelp, UsePersonId = jane, PersonRole = "Intern", PersonEmail = "jane@yelp.com" });

        Assert.Equal("Logged: met Jane Doe (CTO) at the Yelp talk.", Assert.IsType<Done<LogContact.Logged>>(outcome).Value.Message);
        var person = await _rig.DbAsync(db => db.People.SingleAsync());
        Assert.Equal(("CTO", "jane@yelp.com", "jane@yelp.com"), (person.Role, person.Email, person.EmailKey));
        var edited = await _rig.DbAsync(db => db.Timeline.SingleAsync(t => t.Kind == CompanyTimeline.PersonEdited));
        Assert.Equal(("Laura Creighton added E-mail for Jane Doe", "E-mail: (empty) → “jane@yelp.com”"), (edited.Summary, edited.Details));
    }

    [Fact]
    public async Task A_person_chosen_at_another_company_is_not_used_there()
    {
        var yelp = await _rig.CompanyAsync("Yelp");
        var mozilla = await _rig.CompanyAsync("Mozilla");
        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Mozilla", "Jane Doe") with { CompanyId = mozilla }));
        var jane = await _rig.DbAsync(db => db.People.Select(p => p.Id).SingleAsync());

        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp") with { CompanyId = yelp, UsePersonId = jane }));

        Assert.Equal([(int?)jane, null], await _rig.DbAsync(db => db.Encounters.OrderBy(e => e.Id).Select(e => e.PersonId).ToListAsync()));
    }

    [Fact]
    public async Task The_follow_up_asked_for_is_saved_with_the_contact_and_its_reminder_scheduled()
    {
        var due = new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc);

        var outcome = await Log(Contact("Yelp", "Jane Doe") with { FollowUp = new(_laura.UserId, due, "Send the JIT numbers") });

        var logged = Assert.IsType<Done<LogContact.Logged>>(outcome).Value;
        Assert.EndsWith(" A follow-up is scheduled.", logged.Message, StringComparison.Ordinal);
        var followUp = await _rig.DbAsync(db => db.FollowUps.SingleAsync());
        Assert.Equal((logged.CompanyId, _laura.UserId, due, "Send the JIT numbers"), (followUp.CompanyId, followUp.OwnerUserId, followUp.DueAtUtc, followUp.Note));
        Assert.NotNull(followUp.HangfireJobId);
        var entry = await _rig.DbAsync(db => db.Timeline.SingleAsync(t => t.Kind == "followup.scheduled"));
        Assert.Equal((followUp.Id, "Laura Creighton"), (entry.SubjectId, entry.ActorName));
        Assert.True(entry.Id > await _rig.DbAsync(db => db.Timeline.Where(t => t.Kind == CompanyTimeline.Encounter).Select(t => t.Id).SingleAsync()));
    }

    [Fact]
    public async Task The_follow_ups_timeline_entry_is_committed_already_linked_to_it()
    {
        _atCommit.Query = "SELECT COUNT(*) FROM Timeline WHERE Kind = 'followup.scheduled' AND SubjectId IN (SELECT Id FROM FollowUps)";

        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp", "Jane Doe") with { FollowUp = new(_laura.UserId, new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc), null) }));

        // Read from another connection the moment the use case's transaction commits: a crash after it loses nothing.
        Assert.Equal([1L], _atCommit.Seen);
    }

    [Theory]
    [InlineData("after the end", "FollowUp.DueLocal")]
    [InlineData("no-such-user", "FollowUp.OwnerUserId")]
    public async Task A_follow_up_the_scheduler_refuses_saves_nothing_at_all_not_even_the_contact(string what, string field)
    {
        var asked = what == "after the end"
            ? new LogContact.FollowUpAsked(_laura.UserId, new DateTime(2011, 12, 1, 17, 0, 0, DateTimeKind.Utc), null)
            : new LogContact.FollowUpAsked("no-such-user", new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc), null);

        var invalid = Assert.IsType<Invalid>(await Log(Contact("Yelp", "Jane Doe") with { FollowUp = asked }));

        Assert.Equal(field, Assert.Single(invalid.Errors).Field);
        Assert.Equal((0, 0, 0, 0), (await Count<Company>(), await Count<Person>(), await Count<Encounter>(), await _rig.DbAsync(db => db.FollowUps.CountAsync())));
        Assert.Equal(0, await _rig.DbAsync(db => db.Timeline.CountAsync()));
    }

    [Fact]
    public async Task A_contact_is_saved_whole_with_its_follow_up_even_when_the_caller_gives_up_mid_save()
    {
        using var caller = new CancellationTokenSource();
        _drop.Arm("Encounters", caller);

        var outcome = await Log(Contact("Yelp", "Jane Doe") with { FollowUp = new(_laura.UserId, new DateTime(2011, 3, 10, 17, 0, 0, DateTimeKind.Utc), null) },
            cancellationToken: caller.Token);

        Assert.True(caller.IsCancellationRequested);
        Assert.IsType<Done<LogContact.Logged>>(outcome);
        Assert.Equal((1, 1, 1), (await Count<Company>(), await Count<Encounter>(), await _rig.DbAsync(db => db.FollowUps.CountAsync(f => f.HangfireJobId != null))));
    }

    [Fact]
    public async Task A_company_saved_by_someone_else_a_moment_ago_is_offered_with_a_message_and_nothing_is_saved_twice()
    {
        _race.Armed = true;

        var outcome = await Log(Contact("Raceco Inc.", "Someone"));

        var race = Assert.IsType<Conflict<LogContact.SavedMeanwhile>>(outcome);
        Assert.StartsWith("Someone else saved “Raceco” a moment ago", race.Message, StringComparison.Ordinal);
        Assert.Equal("Raceco", Assert.Single(race.Current.Companies).Name);
        Assert.Equal((1, 0, 0), (await Count<Company>(), await Count<Person>(), await Count<Encounter>()));
    }

    [Fact]
    public async Task Bad_input_is_refused_beside_each_field_and_nothing_is_saved()
    {
        var invalid = Assert.IsType<Invalid>(await Log(new LogContact.Input
        {
            TourStopId = 99, CompanyName = "", CompanyDomain = "not a domain", PersonEmail = "nobody-at-example", PersonPhone = "call me",
            MetBy = ["no-such-user"], Interests = [(Interests)1024], Note = new string('x', 4001),
        }));

        Assert.Equal(new Dictionary<string, string>
        {
            ["TourStopId"] = "Choose a tour stop from the list.",
            ["CompanyName"] = "Enter the company's name.",
            ["CompanyDomain"] = "Enter a web domain such as yelp.com (a web address works too).",
            ["PersonName"] = "Enter the person's name too.",
            ["PersonEmail"] = "This is not an e-mail address.",
            ["PersonPhone"] = "Enter a phone number: digits, spaces and + - ( ) . /",
            ["MetBy"] = "Choose people from the list.",
            ["Interests"] = "Choose what they are interested in from the list.",
            ["Note"] = "Note: at most 4000 characters (this has 4001).",
        }, invalid.Errors.ToDictionary(e => e.Field, e => e.Message));
        Assert.Equal(0, await Count<Company>());
    }

    [Fact]
    public async Task A_tour_stop_still_ahead_is_refused_with_the_stop_they_more_likely_mean_until_confirmed()
    {
        const int noisebridgeSprint = 3; // Sat 5 – Sun 6 Mar; the clock is at the Yelp talk, Thu 3 Mar

        var invalid = Assert.IsType<Invalid>(await Log(Contact("Yelp") with { TourStopId = noisebridgeSprint }));

        Assert.Equal(new FieldError("TourStopId",
            "Not yet: the Noisebridge mini sprint · 5–6 Mar has not happened. Did you mean the Yelp talk · Thu 3 Mar? " +
            "Choose it, or tick “Yes, at the Noisebridge mini sprint” to log it there anyway."), Assert.Single(invalid.Errors));
        Assert.Equal(0, await _rig.DbAsync(db => db.Companies.CountAsync()));

        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact("Yelp") with { TourStopId = noisebridgeSprint, ConfirmStopAhead = true }));
        Assert.Equal(noisebridgeSprint, await _rig.DbAsync(db => db.Encounters.Select(e => e.TourStopId).SingleAsync()));
    }

    [Theory]
    [InlineData(null, "Choose where you met them.")]
    [InlineData(-1, "Choose a tour stop from the list.")]
    public async Task Where_they_were_met_is_required_and_one_of_the_tour_stops_or_none(int? stop, string message)
    {
        var invalid = Assert.IsType<Invalid>(await Log(Contact("Yelp") with { TourStopId = stop, MetBy = [] }));

        Assert.Contains(new FieldError("TourStopId", message), invalid.Errors);
        Assert.Contains(new FieldError("MetBy", "Choose who met them."), invalid.Errors);
    }

    [Fact]
    public async Task Hostile_text_is_stored_exactly_as_typed_but_control_characters_are_refused()
    {
        const string hostile = "Robert'); DROP TABLE Companies;-- <script>";
        Assert.IsType<Done<LogContact.Logged>>(await Log(Contact(hostile, hostile) with { TourStopId = 0 }));
        Assert.Equal((hostile, hostile), await _rig.DbAsync(async db => (await db.Companies.Select(c => c.Name).SingleAsync(), await db.People.Select(p => p.Name).SingleAsync())));
        Assert.Null(await _rig.DbAsync(db => db.Encounters.Select(e => e.TourStopId).SingleAsync()));

        var invalid = Assert.IsType<Invalid>(await Log(Contact("Yelp\u0007", "Jane\nDoe")));
        Assert.Equal(["CompanyName", "PersonName"], invalid.Errors.Select(e => e.Field).Order());
    }

    /// <summary>Just before the save's transaction starts, another connection saves the company "Raceco".</summary>
    private sealed class SaveFirstElsewhere : DbTransactionInterceptor
    {
        public bool Armed { get; set; }

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                await using var other = new SqliteConnection(connection.ConnectionString);
                await other.OpenAsync(cancellationToken);
                await using var insert = other.CreateCommand();
                insert.CommandText = "INSERT INTO Companies (Name, NameKey, Source, CreatedAtUtc, Version) VALUES ('Raceco', 'raceco', 'Other', '2011-03-04 02:00:00', 0)";
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return result;
        }
    }

    /// <summary>Runs <see cref="Query"/> on another connection as each transaction commits, so the test sees what a crash right after would leave.</summary>
    private sealed class ReadAtCommit : DbTransactionInterceptor
    {
        public string? Query { get; set; }
        public List<object?> Seen { get; } = [];

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Query is not null)
            {
                await using var other = new SqliteConnection(eventData.Context!.Database.GetDbConnection().ConnectionString);
                await other.OpenAsync(cancellationToken);
                await using var read = other.CreateCommand();
                read.CommandText = Query;
                Seen.Add(await read.ExecuteScalarAsync(cancellationToken));
            }
            await base.TransactionCommittedAsync(transaction, eventData, cancellationToken);
        }
    }

    /// <summary>Cancels the caller's token at the first insert into a table, as a phone losing its connection would.</summary>
    private sealed class CancelOnInsert : DbCommandInterceptor
    {
        private string? _insert;
        private CancellationTokenSource? _caller;

        public void Arm(string table, CancellationTokenSource caller) => (_insert, _caller) = ($"INSERT INTO \"{table}\"", caller);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (_insert is not null && command.CommandText.Contains(_insert, StringComparison.Ordinal))
            {
                _insert = null;
                _caller?.Cancel();
            }
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
