using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PyPyLeads.Tour;
using PyPyLeads.Users;

namespace PyPyLeads.Data;

public class LeadsDbContext(DbContextOptions<LeadsDbContext> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public const string SqliteMigrationsAssembly = "PyPyLeads.Migrations.Sqlite";
    public const string SqlServerMigrationsAssembly = "PyPyLeads.Migrations.SqlServer";

    public DbSet<Consultancy> Consultancies => Set<Consultancy>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<TourStop> TourStops => Set<TourStop>();
    public DbSet<Installation> Installations => Set<Installation>();
    public DbSet<SetupCode> SetupCodes => Set<SetupCode>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<PyPyLeads.Companies.Company> Companies => Set<PyPyLeads.Companies.Company>();
    public DbSet<PyPyLeads.Companies.Person> People => Set<PyPyLeads.Companies.Person>();
    public DbSet<PyPyLeads.Timeline.TimelineEntry> Timeline => Set<PyPyLeads.Timeline.TimelineEntry>();
    public DbSet<PyPyLeads.Schedule.PresentationRequest> PresentationRequests => Set<PyPyLeads.Schedule.PresentationRequest>();
    public DbSet<PyPyLeads.Schedule.Meeting> Meetings => Set<PyPyLeads.Schedule.Meeting>();
    public DbSet<PyPyLeads.Schedule.TeamStay> TeamStays => Set<PyPyLeads.Schedule.TeamStay>();
    public DbSet<PyPyLeads.Schedule.TourStopAttendee> TourStopAttendees => Set<PyPyLeads.Schedule.TourStopAttendee>();
    public DbSet<PyPyLeads.Schedule.CalendarFeed> CalendarFeeds => Set<PyPyLeads.Schedule.CalendarFeed>();
    public DbSet<PyPyLeads.Deals.Deal> Deals => Set<PyPyLeads.Deals.Deal>();
    public DbSet<PyPyLeads.Deals.DealStageChange> DealStageChanges => Set<PyPyLeads.Deals.DealStageChange>();
    public DbSet<PyPyLeads.Companies.Encounter> Encounters => Set<PyPyLeads.Companies.Encounter>();
    public DbSet<PyPyLeads.Companies.EncounterAttendee> EncounterAttendees => Set<PyPyLeads.Companies.EncounterAttendee>();
    public DbSet<PyPyLeads.Companies.CompanySearchTerm> CompanySearchTerms => Set<PyPyLeads.Companies.CompanySearchTerm>();
    public DbSet<PyPyLeads.Companies.CsvImport> CsvImports => Set<PyPyLeads.Companies.CsvImport>();
    public DbSet<PyPyLeads.Companies.ExportRecord> ExportRecords => Set<PyPyLeads.Companies.ExportRecord>();
    public DbSet<PyPyLeads.FollowUps.FollowUp> FollowUps => Set<PyPyLeads.FollowUps.FollowUp>();
    public DbSet<PyPyLeads.FollowUps.Notification> Notifications => Set<PyPyLeads.FollowUps.Notification>();
    public DbSet<PyPyLeads.FollowUps.DigestRecord> Digests => Set<PyPyLeads.FollowUps.DigestRecord>();
    public DbSet<ChangeStamp> ChangeStamps => Set<ChangeStamp>();
    public DbSet<PyPyLeads.Submissions.SubmissionRecord> Submissions => Set<PyPyLeads.Submissions.SubmissionRecord>();
    public DbSet<SignInFailure> SignInFailures => Set<SignInFailure>();
    public DbSet<PyPyLeads.AccessTokens.AccessToken> AccessTokens => Set<PyPyLeads.AccessTokens.AccessToken>();
    public DbSet<PyPyLeads.Intake.IntakeMessage> IntakeMessages => Set<PyPyLeads.Intake.IntakeMessage>();
    public DbSet<PyPyLeads.Intake.IntakeAttachment> IntakeAttachments => Set<PyPyLeads.Intake.IntakeAttachment>();
    public DbSet<PyPyLeads.Intake.IntakeMailbox> IntakeMailboxes => Set<PyPyLeads.Intake.IntakeMailbox>();
    public DbSet<PyPyLeads.Webhooks.WebhookEndpoint> WebhookEndpoints => Set<PyPyLeads.Webhooks.WebhookEndpoint>();
    public DbSet<PyPyLeads.Webhooks.WebhookDelivery> WebhookDeliveries => Set<PyPyLeads.Webhooks.WebhookDelivery>();
    public DbSet<PyPyLeads.Webhooks.WebhookAttempt> WebhookAttempts => Set<PyPyLeads.Webhooks.WebhookAttempt>();
    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Instants are UTC everywhere; SQLite hands DateTime back as Unspecified, so mark it on the way in.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LeadsDbContext).Assembly);

        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(IVersioned).IsAssignableFrom(e.ClrType)))
        {
            builder.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        StampPipelineChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        StampPipelineChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>A change to what the dashboard is computed from changes the pipeline stamp, in the same transaction.</summary>
    private void StampPipelineChanges()
    {
        var changed = ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
            && e.Entity is PyPyLeads.Deals.Deal or PyPyLeads.Timeline.TimelineEntry or PyPyLeads.Companies.Company or Consultancy);
        if (!changed)
        {
            return;
        }
        var stamp = ChangeStamps.Local.FirstOrDefault(s => s.Name == ChangeStamp.Pipeline);
        if (stamp is null)
        {
            // Updated by key without reading it first: the row is seeded by the migrations.
            stamp = new ChangeStamp { Name = ChangeStamp.Pipeline };
            ChangeStamps.Attach(stamp);
        }
        stamp.Version = Random.Shared.NextInt64();
        Entry(stamp).Property(s => s.Version).IsModified = true;
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version++;
            }
        }
    }
}
