using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bogus;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Companies;
using PyPyLeads.Data;
using PyPyLeads.Deals;
using PyPyLeads.FollowUps;
using PyPyLeads.Timeline;
using Person = PyPyLeads.Companies.Person;

namespace PyPyLeads.Benchmarks;

/// <summary>How much data a run generates.</summary>
public sealed record DataSize(string Name, int Companies, int People, int Deals, int Timeline, int FollowUps)
{
    public static readonly DataSize Base = new("base", 10_000, 50_000, 100_000, 300_000, 20_000);

    /// <summary>Ten times the deals, timeline entries and follow-ups of <see cref="Base"/>.</summary>
    public static readonly DataSize Stress = new("stress", 10_000, 50_000, 1_000_000, 3_000_000, 200_000);

    public static DataSize Parse(string name) => name switch
    {
        "base" => Base,
        "stress" => Stress,
        _ => throw new ArgumentException($"Unknown data size '{name}': base or stress."),
    };
}

/// <summary>What the generator wrote, for the results file and for the workloads to aim at.</summary>
public sealed record GeneratedData(
    DataSize Size, long Companies, long People, long Deals, long OpenDeals, long StageChanges, long Timeline, long FollowUps,
    long ScheduledFollowUps, long Encounters, long Notifications, long SearchTerms, long DatabaseBytes, TimeSpan Took,
    int BiggestCompanyId, int BiggestCompanyTimeline, string DeepCompanyName, string SearchWord);

/// <summary>
/// Fills a migrated PyPyLeads database through the app's own model (LeadsDbContext entities, the app's key
/// normalisers and search index). Bogus with several locales gives names with accents; company sizes follow a
/// Zipf-like law (a few companies hold many people, deals and timeline entries; most hold a few); deals are
/// spread over every stage and over two years of months. Seeded, so two runs write the same data.
/// Time runs up to the tour clock's start, 2 March 2011, the instant the harness runs the app at.
/// </summary>
public static class Generator
{
    public static readonly DateTime Now = new(2011, 3, 2, 17, 0, 0, DateTimeKind.Utc);
    private const int Chunk = 5_000;
    private static readonly string[] Locales = ["en_US", "de", "fr", "sv", "es", "pt_BR", "nb_NO", "fi", "pl", "tr", "en_GB", "it"];

    public static DbContextOptions<LeadsDbContext> Options(string databasePath) =>
        new DbContextOptionsBuilder<LeadsDbContext>()
            .UseSqlite($"Data Source={databasePath};Pooling=False", x => x.MigrationsAssembly(LeadsDbContext.SqliteMigrationsAssembly))
            .Options;

    public static async Task<GeneratedData> FillAsync(string databasePath, DataSize size, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        Randomizer.Seed = new Random(2011);
        var random = new Random(2011);
        var fakers = Locales.Select(l => new Faker(l)).ToArray();

        List<(string Id, int ConsultancyId, string Name)> staff;
        int[] stopIds;
        await using (var db = new LeadsDbContext(Options(databasePath)))
        {
            staff = (await db.Users.Where(u => u.ConsultancyId != null).Select(u => new { u.Id, u.ConsultancyId, u.DisplayName }).ToListAsync())
                .Select(u => (u.Id, u.ConsultancyId!.Value, u.DisplayName)).ToList();
            stopIds = await db.TourStops.OrderBy(s => s.Id).Select(s => s.Id).ToArrayAsync();
        }
        if (staff.Count == 0)
        {
            throw new InvalidOperationException("The database has no team members with a consultancy: invite them first.");
        }
        var byConsultancy = staff.GroupBy(s => s.ConsultancyId).ToDictionary(g => g.Key, g => g.ToArray());

        // 1. Companies with skewed sizes: weight 1/rank^0.85 decides each company's share of people, deals, notes.
        var companies = new List<Company>(size.Companies);
        var nameKeys = new HashSet<string>(StringComparer.Ordinal);
        var domainKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < size.Companies; i++)
        {
            var f = fakers[random.Next(fakers.Length)];
            var name = f.Company.CompanyName();
            if (random.Next(4) == 0)
            {
                name = $"{f.Name.LastName()} {f.Address.City()} {f.Company.CompanySuffix()}";
            }
            name = Clip(name, 200);
            var key = CompanyKeys.Name(name);
            for (var n = 2; key.Length == 0 || !nameKeys.Add(key); n++)
            {
                name = Clip($"{name} {n}", 200);
                key = CompanyKeys.Name(name);
            }
            string? domain = null;
            string? domainKey = null;
            if (random.Next(5) != 0)
            {
                var slug = Slug(name);
                domain = $"{(slug.Length > 40 ? slug[..40] : slug)}.{f.Internet.DomainSuffix()}";
                domainKey = CompanyKeys.Domain(domain);
                if (domainKey is null || !domainKeys.Add(domainKey))
                {
                    domain = null;
                    domainKey = null;
                }
            }
            var consultancy = random.Next(10) switch { 0 => (int?)null, < 6 => 1, _ => 2 };
            companies.Add(new Company
            {
                Name = name,
                NameKey = key,
                WebDomain = domain,
                DomainKey = domainKey,
                City = f.Address.City(),
                Country = f.Address.Country(),
                Industry = f.Commerce.Department(),
                Notes = random.Next(3) == 0 ? f.Lorem.Sentence(12) : null,
                Source = (LeadSource)random.Next(5),
                SourceTourStopId = random.Next(3) == 0 ? stopIds[random.Next(stopIds.Length)] : null,
                ConsultancyId = consultancy,
                CreatedAtUtc = Now.AddMinutes(-random.Next(60 * 24 * 700)),
                CreatedByUserId = staff[random.Next(staff.Count)].Id,
            });
        }
        await InsertAsync(databasePath, companies);
        var companyIds = companies.Select(c => c.Id).ToArray();
        var pick = new ZipfPicker(companyIds.Length, 0.85, random);
        log.WriteLine($"  companies: {companies.Count:N0} ({watch.Elapsed.TotalSeconds:F0} s)");

        // 2. People: the biggest companies have hundreds, most a handful; every company has at least one.
        var people = new List<Person>(size.People);
        var emails = new HashSet<(int, string)>();
        for (var i = 0; i < size.People; i++)
        {
            var c = i < companies.Count ? companies[i] : companies[pick.Next()];
            var f = fakers[random.Next(fakers.Length)];
            var first = f.Name.FirstName();
            var last = f.Name.LastName();
            string? email = null;
            if (random.Next(6) != 0)
            {
                email = $"{Slug(first)}.{Slug(last)}@{c.WebDomain ?? "example.org"}";
                if (!emails.Add((c.Id, CompanyKeys.Email(email)!)))
                {
                    email = null;
                }
            }
            people.Add(new Person
            {
                CompanyId = c.Id,
                Name = Clip($"{first} {last}", 200),
                Role = random.Next(3) == 0 ? null : Clip(f.Name.JobTitle(), 200),
                Email = email,
                EmailKey = CompanyKeys.Email(email),
                Phone = random.Next(2) == 0 ? f.Phone.PhoneNumber("+## ### ### ####") : null,
                CreatedAtUtc = c.CreatedAtUtc.AddMinutes(random.Next(60 * 24 * 30)),
            });
        }
        await InsertAsync(databasePath, people);
        log.WriteLine($"  people: {people.Count:N0} ({watch.Elapsed.TotalSeconds:F0} s)");

        await using (var db = new LeadsDbContext(Options(databasePath)))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await SearchIndex.RefreshAsync(db, companyIds);
        }
        log.WriteLine($"  search index ({watch.Elapsed.TotalSeconds:F0} s)");

        // 3. Encounters at the tour stops: seven companies in ten were met in person.
        var encounters = new List<Encounter>();
        var metAt = companies.Where(_ => random.Next(10) < 7).ToList();
        foreach (var c in metAt)
        {
            var by = staff[random.Next(staff.Count)];
            encounters.Add(new Encounter
            {
                CompanyId = c.Id,
                TourStopId = stopIds[random.Next(stopIds.Length)],
                MetAtUtc = Now.AddMinutes(-random.Next(60 * 24 * 20)),
                Interests = (Interests)random.Next(1, 32),
                Note = random.Next(2) == 0 ? fakers[random.Next(fakers.Length)].Lorem.Sentence(15) : null,
                CreatedByUserId = by.Id,
                MetBy = [new EncounterAttendee { UserId = by.Id }],
            });
        }
        await InsertAsync(databasePath, encounters);

        // 4. Deals over every stage and two years of months, and their first stage change.
        var stages = new (DealStage Stage, int Weight)[]
        {
            (DealStage.New, 9), (DealStage.Qualified, 7), (DealStage.Proposal, 5), (DealStage.Negotiation, 3), (DealStage.Won, 30), (DealStage.Lost, 46),
        };
        string[] currencies = ["EUR", "EUR", "EUR", "USD", "USD", "SEK"];
        var deals = new List<Deal>(Math.Min(size.Deals, 200_000));
        var timeline = new List<TimelineEntry>();
        long dealCount = 0, openCount = 0, changeCount = 0, timelineCount = 0;
        var biggestCompany = companyIds[0];
        for (var i = 0; i < size.Deals; i++)
        {
            var company = companies[pick.Next()];
            var stage = Weighted(stages, random);
            var consultancy = company.ConsultancyId ?? random.Next(1, 3);
            var owners = byConsultancy.TryGetValue(consultancy, out var o) ? o : staff.ToArray();
            var owner = owners[random.Next(owners.Length)];
            var created = Now.AddMinutes(-random.Next(60 * 24 * 730));
            var closes = DateOnly.FromDateTime(created).AddDays(random.Next(20, 300));
            var open = stage.IsOpen();
            if (open && closes < DateOnly.FromDateTime(Now))
            {
                closes = DateOnly.FromDateTime(Now).AddDays(random.Next(-30, 240)); // a few overdue, most ahead
            }
            var lastActivity = open ? Now.AddMinutes(-random.Next(60 * 24 * 60)) : created.AddDays(random.Next(1, 120));
            if (lastActivity > Now)
            {
                lastActivity = Now.AddMinutes(-random.Next(60 * 24));
            }
            var closedAt = open ? (DateTime?)null : lastActivity;
            var f = fakers[random.Next(fakers.Length)];
            var deal = new Deal
            {
                CompanyId = company.Id,
                ConsultancyId = consultancy,
                Kind = (DealKind)random.Next(3),
                Title = random.Next(5) == 0 ? null : Clip($"{f.Hacker.Verb()} {f.Commerce.ProductName()}", 200),
                Stage = stage,
                ValueMinor = random.Next(12) == 0 ? null : (long)(Math.Exp(random.NextDouble() * 6 + 8) * 100),
                Currency = currencies[random.Next(currencies.Length)],
                Probability = stage.DefaultProbability(),
                ExpectedCloseOn = closes,
                OwnerUserId = owner.Id,
                LostReason = stage == DealStage.Lost && random.Next(2) == 0 ? f.Lorem.Sentence(6) : null,
                CreatedAtUtc = created,
                CreatedByUserId = owner.Id,
                StageChangedAtUtc = closedAt ?? created,
                LastActivityAtUtc = lastActivity,
                ClosedAtUtc = closedAt,
                StageChanges = [new DealStageChange { ToStage = stage, AtUtc = closedAt ?? created, ByUserId = owner.Id, ByName = owner.Name }],
            };
            deals.Add(deal);
            dealCount++;
            changeCount++;
            openCount += open ? 1 : 0;
            if (deals.Count == 50_000 || i == size.Deals - 1)
            {
                await InsertAsync(databasePath, deals);
                // Each deal's "created" line, and its closing line, as the deals feature writes them.
                foreach (var d in deals)
                {
                    timeline.Add(Entry(d.CompanyId, d.CreatedAtUtc, "deal.created", $"New deal: {d.Title ?? "untitled"}", "Deal", d.Id, staff, random));
                    if (d.ClosedAtUtc is { } at && timelineCount + timeline.Count < size.Timeline * 6 / 10)
                    {
                        timeline.Add(Entry(d.CompanyId, at, d.Stage == DealStage.Won ? "deal.won" : "deal.lost", $"Deal {d.Stage.ToString().ToLowerInvariant()}: {d.Title ?? "untitled"}", "Deal", d.Id, staff, random));
                    }
                }
                timelineCount += timeline.Count;
                await InsertAsync(databasePath, timeline);
                deals.Clear();
                timeline.Clear();
            }
        }
        log.WriteLine($"  deals: {dealCount:N0}, {openCount:N0} open ({watch.Elapsed.TotalSeconds:F0} s)");

        // 5. Follow-ups: most long done, reminded or cancelled; one in twenty still waiting (due after the tour clock's
        // start and before the Eurostars deadline, so none falls due during a run). Each has its "scheduled" line.
        var followUps = new List<FollowUp>();
        long followUpCount = 0, scheduledCount = 0, notificationCount = 0;
        var notifications = new List<Notification>();
        var companyNames = companies.ToDictionary(c => c.Id, c => c.Name);
        for (var i = 0; i < size.FollowUps; i++)
        {
            var company = companies[pick.Next()];
            var owner = staff[random.Next(staff.Count)];
            var roll = random.Next(100);
            var state = roll < 5 ? FollowUpState.Scheduled : roll < 35 ? FollowUpState.Reminded : roll < 85 ? FollowUpState.Done : roll < 99 ? FollowUpState.Cancelled : FollowUpState.Failed;
            var due = state == FollowUpState.Scheduled
                ? Now.AddDays(2).AddMinutes(random.Next(60 * 24 * 150))
                : Now.AddMinutes(-random.Next(60 * 24 * 400));
            var created = due.AddDays(-random.Next(1, 30));
            if (created > Now)
            {
                created = Now.AddMinutes(-random.Next(60 * 24 * 10));
            }
            var followUp = new FollowUp
            {
                CompanyId = company.Id,
                OwnerUserId = owner.Id,
                CreatedByUserId = owner.Id,
                CreatedAtUtc = created,
                DueAtUtc = due,
                NextAttemptAtUtc = due,
                Note = random.Next(2) == 0 ? fakers[random.Next(fakers.Length)].Lorem.Sentence(8) : null,
                State = state,
                AttemptCount = state == FollowUpState.Scheduled ? 0 : 1,
                NotifiedRound = state == FollowUpState.Scheduled ? 0 : 1,
                RemindedAtUtc = state is FollowUpState.Reminded or FollowUpState.Done ? due.AddSeconds(1) : null,
                DoneAtUtc = state == FollowUpState.Done ? due.AddDays(random.Next(0, 5)) : null,
                CancelledAtUtc = state == FollowUpState.Cancelled ? created.AddDays(1) : null,
                FailedAtUtc = state == FollowUpState.Failed ? due.AddHours(1) : null,
                LastError = state == FollowUpState.Failed ? "SmtpCommandException: Mailbox unavailable" : null,
            };
            followUps.Add(followUp);
            followUpCount++;
            scheduledCount += state == FollowUpState.Scheduled ? 1 : 0;
            if (followUps.Count == 50_000 || i == size.FollowUps - 1)
            {
                await InsertAsync(databasePath, followUps);
                foreach (var fu in followUps)
                {
                    timeline.Add(Entry(fu.CompanyId, fu.CreatedAtUtc, "followup.scheduled", $"Follow-up due {fu.DueAtUtc:d MMM yyyy HH:mm} UTC", "FollowUp", fu.Id, staff, random));
                    if (fu.State != FollowUpState.Scheduled)
                    {
                        notifications.Add(new Notification
                        {
                            UserId = fu.OwnerUserId,
                            FollowUpId = fu.Id,
                            CreatedAtUtc = fu.DueAtUtc,
                            ReadAtUtc = random.Next(10) == 0 ? null : fu.DueAtUtc.AddHours(2),
                            Title = Clip("Follow up with " + companyNames[fu.CompanyId], 300),
                            Url = $"/followups/{fu.Id}",
                        });
                    }
                }
                timelineCount += timeline.Count;
                notificationCount += notifications.Count;
                await InsertAsync(databasePath, timeline);
                await InsertAsync(databasePath, notifications);
                followUps.Clear();
                timeline.Clear();
                notifications.Clear();
            }
        }
        log.WriteLine($"  follow-ups: {followUpCount:N0}, {scheduledCount:N0} waiting ({watch.Elapsed.TotalSeconds:F0} s)");

        // 6. The rest of the timeline: notes and logged contacts, by the same skew.
        string[] kinds = ["contact.logged", "company.note", "meeting.held", "company.edited"];
        while (timelineCount < size.Timeline)
        {
            var company = companies[pick.Next()];
            var f = fakers[random.Next(fakers.Length)];
            var kind = kinds[random.Next(kinds.Length)];
            var entry = Entry(company.Id, Now.AddMinutes(-random.Next(60 * 24 * 730)), kind, Clip(f.Lorem.Sentence(random.Next(4, 14)), 500), null, null, staff, random);
            entry.Details = random.Next(3) == 0 ? f.Lorem.Paragraph() : null;
            timeline.Add(entry);
            timelineCount++;
            if (timeline.Count == 50_000)
            {
                await InsertAsync(databasePath, timeline);
                timeline.Clear();
            }
        }
        await InsertAsync(databasePath, timeline);
        log.WriteLine($"  timeline: {timelineCount:N0} ({watch.Elapsed.TotalSeconds:F0} s)");

        // Fold the write-ahead log into the file, as a long-running app's checkpoints would have. (No ANALYZE: the
        // app never runs it, so the planner sees what a real database has.)
        await using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync();
        }

        await using var check = new LeadsDbContext(Options(databasePath));
        var biggest = await check.Timeline.GroupBy(t => t.CompanyId).Select(g => new { CompanyId = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count).FirstAsync();
        var deep = await check.Companies.OrderBy(c => c.NameKey).Skip(size.Companies * 9 / 10).Select(c => c.Name).FirstAsync();
        var word = CompanyKeys.Words(companies[random.Next(companies.Count)].Name).First();
        return new GeneratedData(size,
            await check.Companies.LongCountAsync(), await check.People.LongCountAsync(), await check.Deals.LongCountAsync(),
            await check.Deals.LongCountAsync(d => d.Stage != DealStage.Won && d.Stage != DealStage.Lost),
            await check.DealStageChanges.LongCountAsync(), await check.Timeline.LongCountAsync(), await check.FollowUps.LongCountAsync(),
            await check.FollowUps.LongCountAsync(f => f.State == FollowUpState.Scheduled), await check.Encounters.LongCountAsync(),
            await check.Notifications.LongCountAsync(), await check.CompanySearchTerms.LongCountAsync(),
            new FileInfo(databasePath).Length, watch.Elapsed, biggest.CompanyId, biggest.Count, deep, word);
    }

    private static TimelineEntry Entry(int companyId, DateTime at, string kind, string summary, string? subjectType, long? subjectId,
        List<(string Id, int ConsultancyId, string Name)> staff, Random random)
    {
        var actor = staff[random.Next(staff.Count)];
        return new TimelineEntry
        {
            CompanyId = companyId, AtUtc = at, Kind = kind, Summary = summary, ActorUserId = actor.Id, ActorName = actor.Name,
            SubjectType = subjectType, SubjectId = subjectId,
        };
    }

    /// <summary>Adds in chunks, each through a fresh context without change detection (the app's model, bulk speed).</summary>
    private static async Task InsertAsync<T>(string databasePath, List<T> rows) where T : class
    {
        foreach (var chunk in rows.Chunk(Chunk))
        {
            await using var db = new LeadsDbContext(Options(databasePath));
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=OFF;");
            db.Set<T>().AddRange(chunk);
            await db.SaveChangesAsync();
        }
    }

    private static T Weighted<T>((T Value, int Weight)[] choices, Random random)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if (roll < weight)
            {
                return value;
            }
            roll -= weight;
        }
        return choices[^1].Value;
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>Letters and digits without accents, for e-mail addresses and domains.</summary>
    private static string Slug(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if ((c == ' ' || c == '-') && builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "x" : slug;
    }

    /// <summary>Picks indexes 0..n-1 with probability proportional to 1/(rank+1)^s, over a shuffled rank order.</summary>
    private sealed class ZipfPicker
    {
        private readonly double[] _cumulative;
        private readonly int[] _order;
        private readonly Random _random;

        public ZipfPicker(int n, double s, Random random)
        {
            _random = random;
            _cumulative = new double[n];
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += 1.0 / Math.Pow(i + 1, s);
                _cumulative[i] = sum;
            }
            _order = Enumerable.Range(0, n).ToArray();
            random.Shuffle(_order);
        }

        public int Next()
        {
            var x = _random.NextDouble() * _cumulative[^1];
            var i = Array.BinarySearch(_cumulative, x);
            return _order[i < 0 ? ~i : i];
        }
    }
}
