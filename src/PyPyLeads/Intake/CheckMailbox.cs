using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;

namespace PyPyLeads.Intake;

/// <summary>What one check of the mailbox did.</summary>
public sealed record CheckResult(string Mailbox, ImportCounts Counts, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Reads the team mailbox once: the configured IMAP folder, or (without an IMAP host) the drop folder. Each batch of
/// messages is committed (<see cref="ImportMail"/>) before it is moved to the Processed folder, so a crash or a
/// dropped connection at any point loses nothing and imports nothing twice: a message committed but not yet moved
/// is recognised by its UID (or its key) and only moved the next time. How the check went is recorded in the database
/// for /health and the admin banner. Only the one configured folder is ever opened.
/// </summary>
public sealed class CheckMailbox(IServiceScopeFactory scopes, IOptions<IntakeOptions> options, IntakeDropFolder dropFolder, IntakeHealthCache health,
    TimeProvider clock, ILogger<CheckMailbox> logger)
{
    public string Mailbox => options.Value.UsesImap ? options.Value.Imap.ToString() : "drop:" + dropFolder.Path;

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var counts = new ImportCounts(0, 0, 0);
        try
        {
            counts = options.Value.UsesImap
                ? await ImapAsync(c => counts = c, cancellationToken)
                : await DropFolderAsync(c => counts = c, cancellationToken);
            await RecordAsync(null, cancellationToken);
            return new CheckResult(Mailbox, counts, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The settings' password is in no exception MailKit throws; the message names the server and what failed.
            var error = $"{ex.GetType().Name}: {ex.Message}";
            logger.LogError("Mail intake: cannot read {Mailbox}: {Error}", Mailbox, error);
            await RecordAsync(error, CancellationToken.None);
            return new CheckResult(Mailbox, counts, error);
        }
    }

    private async Task<ImportCounts> ImapAsync(Action<ImportCounts> soFar, CancellationToken cancellationToken)
    {
        var settings = options.Value.Imap;
        using var client = new ImapClient { Timeout = settings.TimeoutSeconds * 1000 };
        var security = Enum.Parse<SecureSocketOptions>(settings.Security, ignoreCase: true);
        await client.ConnectAsync(settings.Host!, settings.Port, security, cancellationToken);
        await client.AuthenticateAsync(settings.User!, settings.Password ?? "", cancellationToken);
        var folder = (ImapFolder)await client.GetFolderAsync(settings.Folder, cancellationToken);
        var processed = await ProcessedFolderAsync(client, settings.ProcessedFolder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);

        var mailbox = Mailbox;
        var progress = await InScopeAsync(db => db.IntakeMailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.Name == mailbox, cancellationToken));
        // A new UIDVALIDITY means the server renumbered the folder: start over, the keys keep anything from coming in twice.
        var last = progress is not null && progress.UidValidity == folder.UidValidity ? progress.LastUid : 0;
        var uids = await folder.SearchAsync(SearchQuery.All, cancellationToken);

        // Committed before, not moved yet (the connection dropped, the process died): only moved now.
        var committed = uids.Where(u => u.Id <= last).ToList();
        if (committed.Count > 0)
        {
            await MoveAsync(folder, committed, processed, cancellationToken);
        }
        var counts = new ImportCounts(0, 0, 0);
        foreach (var chunk in uids.Where(u => u.Id > last).OrderBy(u => u.Id).Chunk(options.Value.BatchSize))
        {
            var (batch, present) = await ReadAsync(folder, chunk, cancellationToken);
            if (batch.Count == 0)
            {
                continue;
            }
            counts += await WithServicesAsync(sp => Import(sp).ImportAsync(batch, "imap", mailbox, folder.UidValidity, cancellationToken));
            soFar(counts);
            // Only after the commit: moving first would lose a message whose commit then failed.
            await MoveAsync(folder, present, processed, cancellationToken);
        }
        await client.DisconnectAsync(quit: true, cancellationToken);
        return counts;
    }

    /// <summary>
    /// Reads a chunk of messages in two round trips: their sizes, then their bytes. A message another instance moved
    /// meanwhile is left to it: the server lists no size for it, or (Dovecot) answers with an empty body. A read shorter
    /// than the size the server gave is taken as such only when the message is gone from the folder; one still there is
    /// read again, and a second short read fails the check before anything of this chunk is committed.
    /// </summary>
    private static async Task<(List<RawMail> Batch, List<UniqueId> Present)> ReadAsync(ImapFolder folder, IList<UniqueId> chunk, CancellationToken cancellationToken)
    {
        var sizes = (await folder.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken))
            .Where(s => s.Size is not null).ToDictionary(s => s.UniqueId, s => (long)s.Size!.Value);
        var read = new Dictionary<UniqueId, byte[]>();
        var wanted = chunk.Where(sizes.ContainsKey).ToList();
        if (wanted.Count > 0)
        {
            await folder.GetStreamsAsync(wanted, async (_, _, uid, stream, ct) =>
            {
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                read[uid] = buffer.ToArray();
            }, cancellationToken);
        }
        var incomplete = wanted.Where(u => !read.TryGetValue(u, out var bytes) || bytes.Length != sizes[u]).ToList();
        if (incomplete.Count > 0)
        {
            foreach (var uid in await folder.SearchAsync(SearchQuery.Uids(incomplete), cancellationToken))
            {
                try
                {
                    await using var stream = await folder.GetStreamAsync(uid, "", cancellationToken);
                    using var buffer = new MemoryStream();
                    await stream.CopyToAsync(buffer, cancellationToken);
                    if (buffer.Length != sizes[uid])
                    {
                        throw new InvalidOperationException($"The server sent {buffer.Length} of the {sizes[uid]} bytes of message UID {uid.Id}; nothing of this batch was imported.");
                    }
                    read[uid] = buffer.ToArray();
                    incomplete.Remove(uid);
                }
                catch (MessageNotFoundException)
                {
                    // Moved meanwhile after all.
                }
            }
        }
        var present = wanted.Except(incomplete).ToList();
        return (present.Select(u => new RawMail(read[u], u.Id)).ToList(), present);
    }

    /// <summary>
    /// Moves committed messages to Processed. Another instance may have moved some of them meanwhile (Dovecot then
    /// refuses the whole MOVE): the ones still here are moved; any left are moved by the next check (their UIDs are
    /// at or below the committed progress).
    /// </summary>
    private static async Task MoveAsync(IMailFolder folder, IList<UniqueId> uids, IMailFolder processed, CancellationToken cancellationToken)
    {
        try
        {
            await folder.MoveToAsync(uids, processed, cancellationToken);
        }
        catch (ImapCommandException)
        {
            var still = await folder.SearchAsync(SearchQuery.Uids(uids), cancellationToken);
            if (still.Count > 0)
            {
                await folder.MoveToAsync(still, processed, cancellationToken);
            }
        }
    }

    private static async Task<IMailFolder> ProcessedFolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetFolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, isMessageFolder: true, cancellationToken) ?? throw new InvalidOperationException($"The IMAP server did not create the folder {name}.");
        }
    }

    private async Task<ImportCounts> DropFolderAsync(Action<ImportCounts> soFar, CancellationToken cancellationToken)
    {
        var counts = new ImportCounts(0, 0, 0);
        foreach (var chunk in dropFolder.Waiting().Chunk(options.Value.BatchSize))
        {
            var batch = new List<RawMail>(chunk.Length);
            foreach (var file in chunk)
            {
                batch.Add(new RawMail(await File.ReadAllBytesAsync(file, cancellationToken)));
            }
            counts += await WithServicesAsync(sp => Import(sp).ImportAsync(batch, "drop folder", null, 0, cancellationToken));
            soFar(counts);
            foreach (var file in chunk)
            {
                dropFolder.MarkProcessed(file);
            }
        }
        return counts;
    }

    private ImportMail Import(IServiceProvider services) => services.GetRequiredService<ImportMail>();

    private async Task<T> InScopeAsync<T>(Func<LeadsDbContext, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    private async Task<T> WithServicesAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private async Task RecordAsync(string? error, CancellationToken cancellationToken)
    {
        try
        {
            var mailbox = Mailbox;
            var now = clock.GetUtcNow().UtcDateTime;
            await InScopeAsync(async db =>
            {
                var row = await db.IntakeMailboxes.SingleOrDefaultAsync(m => m.Name == mailbox, cancellationToken);
                if (row is null)
                {
                    row = new IntakeMailbox { Name = mailbox };
                    db.IntakeMailboxes.Add(row);
                }
                if (error is null)
                {
                    row.LastSuccessAtUtc = now;
                    row.LastError = null;
                }
                else
                {
                    row.LastFailureAtUtc = now;
                    row.LastError = error.Length > 2000 ? error[..2000] : error;
                }
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
                {
                    // Another instance wrote the row first; its record of the check stands.
                }
                IntakeHealth.Record(health, clock, new IntakeHealthReport(mailbox, row.LastSuccessAtUtc, row.LastFailureAtUtc, row.LastError));
                return 0;
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Mail intake: could not record how the check went");
        }
    }
}

/// <summary>The embedded default's inbox: .eml files in a folder, moved to its <c>processed</c> subfolder once committed.</summary>
public sealed class IntakeDropFolder(string path)
{
    public string Path => path;

    public string ProcessedPath => System.IO.Path.Combine(path, "processed");

    /// <summary>The .eml files waiting, oldest name first (a file being written should be written under another name, then renamed).</summary>
    public IEnumerable<string> Waiting() => Directory.Exists(path)
        ? Directory.EnumerateFiles(path, "*.eml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList()
        : [];

    public void MarkProcessed(string file)
    {
        Directory.CreateDirectory(ProcessedPath);
        var target = System.IO.Path.Combine(ProcessedPath, System.IO.Path.GetFileName(file));
        if (File.Exists(target))
        {
            target = System.IO.Path.Combine(ProcessedPath, System.IO.Path.GetFileNameWithoutExtension(file) + "." + Guid.NewGuid().ToString("N")[..8] + ".eml");
        }
        try
        {
            File.Move(file, target);
        }
        catch (FileNotFoundException)
        {
            // Another check (or instance on a shared folder) moved it first.
        }
    }
}
