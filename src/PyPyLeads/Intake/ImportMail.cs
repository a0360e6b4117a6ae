using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using PyPyLeads.Data;
using PyPyLeads.Timeline;

namespace PyPyLeads.Intake;

/// <summary>One message as it came: its bytes, and its UID when it came from an IMAP folder.</summary>
public sealed record RawMail(byte[] Bytes, long? Uid = null);

/// <summary>What one batch did: messages new here (filed or in triage), and those imported before (skipped).</summary>
public sealed record ImportCounts(int Filed, int Triage, int AlreadyImported)
{
    public static ImportCounts operator +(ImportCounts a, ImportCounts b) =>
        new(a.Filed + b.Filed, a.Triage + b.Triage, a.AlreadyImported + b.AlreadyImported);
}

/// <summary>
/// Imports a batch of messages in one transaction: each is parsed, matched (<see cref="MailMatching"/>) and stored once
/// (its key is unique), filed on its company's timeline or put in triage, and the folder's progress (its highest UID)
/// is committed with them. When another instance commits one of the same messages first, the batch is rolled back and
/// imported one message per transaction, skipping the ones already there. A message that cannot be parsed goes to
/// triage with the parser's error and its raw bytes; it never stops the others.
/// </summary>
public sealed class ImportMail(LeadsDbContext db, TimeProvider clock, IOptions<IntakeOptions> options, ILogger<ImportMail> logger)
{
    public const string TimelineKind = "mail.received";
    public const string SubjectType = "IntakeMessage";
    public static Actor Intake { get; } = new(null, "PyPyLeads mail intake");

    /// <param name="mailbox">The progress row to advance (IMAP), or null (the drop folder).</param>
    public async Task<ImportCounts> ImportAsync(IReadOnlyList<RawMail> batch, string origin, string? mailbox, long uidValidity, CancellationToken cancellationToken)
    {
        var parsed = batch.Select(r => (Raw: r, Mail: ParsedMail.Parse(r.Bytes, options.Value.MaxAttachmentBytes))).ToList();
        var team = await TeamAddresses.LoadAsync(db, options.Value, cancellationToken);
        try
        {
            return await db.InTransactionAsync(ct => StoreAsync(parsed, origin, mailbox, uidValidity, team, ct), cancellationToken);
        }
        catch (Exception ex) when (DbErrors.IsUniqueViolation(ex) && batch.Count > 1)
        {
            // Another instance imported one of these at the same moment: one by one, so the rest still go in.
            db.ChangeTracker.Clear();
            var counts = new ImportCounts(0, 0, 0);
            foreach (var one in parsed)
            {
                counts += await OneAsync(one);
            }
            return counts;
        }
        catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return new ImportCounts(0, 0, 1);
        }

        async Task<ImportCounts> OneAsync((RawMail Raw, ParsedMail Mail) one)
        {
            try
            {
                return await db.InTransactionAsync(ct => StoreAsync([one], origin, mailbox, uidValidity, team, ct), cancellationToken);
            }
            catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear();
                return new ImportCounts(0, 0, 1);
            }
        }
    }

    private async Task<ImportCounts> StoreAsync(IReadOnlyList<(RawMail Raw, ParsedMail Mail)> batch, string origin, string? mailbox, long uidValidity,
        TeamAddresses team, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = batch.Select(b => b.Mail.Key).Distinct().ToList();
        var known = new HashSet<string>(await db.IntakeMessages.Where(m => keys.Contains(m.MessageKey)).Select(m => m.MessageKey).ToListAsync(ct), StringComparer.Ordinal);
        int filed = 0, triage = 0, already = 0;
        foreach (var (raw, mail) in batch)
        {
            if (!known.Add(mail.Key))
            {
                already++;
                continue;
            }
            var match = await MailMatching.FindAsync(db, mail, team, ct);
            var message = ToEntity(raw, mail, origin, now);
            message.CompanyId = match.CompanyId;
            message.State = match.CompanyId is null ? IntakeState.Triage : IntakeState.Filed;
            message.TriageReason = Cut(match.TriageReason, 2000);
            db.IntakeMessages.Add(message);
            // Saved one by one: a reply later in the batch finds its thread, and the timeline line needs the id.
            await db.SaveChangesAsync(ct);
            if (match.CompanyId is { } companyId)
            {
                db.Timeline.Add(Entry(message, companyId));
                filed++;
            }
            else
            {
                triage++;
            }
        }
        if (mailbox is not null && batch.Select(b => b.Raw.Uid).Max() is { } highest)
        {
            var progress = await db.IntakeMailboxes.SingleOrDefaultAsync(m => m.Name == mailbox, ct);
            if (progress is null)
            {
                db.IntakeMailboxes.Add(new IntakeMailbox { Name = mailbox, UidValidity = uidValidity, LastUid = highest });
            }
            else if (progress.UidValidity != uidValidity || progress.LastUid < highest)
            {
                progress.UidValidity = uidValidity;
                progress.LastUid = highest;
            }
        }
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Mail intake ({Origin}): {Filed} filed, {Triage} in triage, {Already} imported before", origin, filed, triage, already);
        return new ImportCounts(filed, triage, already);
    }

    private static IntakeMessage ToEntity(RawMail raw, ParsedMail mail, string origin, DateTime now)
    {
        // A date in the future (a wrong clock at the sender's) is taken as the time it arrived.
        var sent = mail.SentAtUtc is { } at && at <= now.AddMinutes(5) ? at : now;
        return new IntakeMessage
        {
            MessageKey = mail.Key,
            MessageId = Cut(mail.MessageId, IntakeMessageConfiguration.MaxKey),
            InReplyTo = Cut(mail.InReplyTo, IntakeMessageConfiguration.MaxKey),
            References = Cut(string.Join(' ', mail.References), IntakeMessageConfiguration.MaxReferences),
            Origin = origin,
            Subject = Cut(mail.Subject, 500)!,
            SenderName = Cut(mail.Sender?.Name, 200),
            SenderAddress = Cut(mail.Sender?.Address, 254),
            ForwardedBy = Cut(mail.ForwardedBy?.Address, 254),
            Participants = Cut(string.Join(", ", mail.Participants.Select(Show)), IntakeMessageConfiguration.MaxAddresses)!,
            SentAtUtc = sent,
            ReceivedAtUtc = now,
            Text = mail.Text,
            SafeHtml = mail.SafeHtml,
            Signature = mail.Signature,
            RawWhenUnreadable = mail.Error is null ? null : raw.Bytes,
            Attachments = mail.Attachments.Select(a => new IntakeAttachment
            {
                FileName = Cut(a.FileName, 260)!, ContentType = Cut(a.ContentType, 200)!, Size = a.Size, Content = a.Content,
            }).ToList(),
        };
    }

    /// <summary>The timeline line of a message filed on a company (also written when triage attaches one).</summary>
    public static TimelineEntry Entry(IntakeMessage message, int companyId, Actor? actor = null)
    {
        var who = message.SenderAddress is null ? "unknown sender" : string.IsNullOrWhiteSpace(message.SenderName) ? message.SenderAddress : $"{message.SenderName} <{message.SenderAddress}>";
        var details = new StringBuilder();
        details.Append("From: ").Append(who).Append('\n');
        if (message.ForwardedBy is not null)
        {
            details.Append("Forwarded by: ").Append(message.ForwardedBy).Append('\n');
        }
        details.Append("Participants: ").Append(message.Participants).Append('\n');
        if (message.Attachments.Count > 0)
        {
            details.Append("Attachments: ").Append(string.Join(", ", message.Attachments.Select(a => $"{a.FileName} ({Size(a.Size)})"))).Append('\n');
        }
        details.Append('\n').Append(message.Text?.Trim() ?? "");
        return TimelineEntry.For(companyId, TimelineKind, $"E-mail from {who}: {message.Subject}", details.ToString(), actor ?? Intake,
            message.SentAtUtc, SubjectType, message.Id);
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };

    private static string Show(MailboxAddress a) => string.IsNullOrWhiteSpace(a.Name) ? a.Address : $"{a.Name} <{a.Address}>";

    private static string? Cut(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..(max - 1)] + "…";
}
