using PyPyLeads.Data;

namespace PyPyLeads.Intake;

/// <summary>Where an imported message stands.</summary>
public enum IntakeState
{
    /// <summary>On a company's timeline.</summary>
    Filed = 0,
    /// <summary>Matched no company or several, or could not be read: waiting in the triage inbox.</summary>
    Triage = 1,
    /// <summary>Put aside from triage; kept, and can be brought back.</summary>
    Dismissed = 2,
}

/// <summary>
/// One message read from the team mailbox (or the drop folder), imported once: <see cref="MessageKey"/> is unique, so
/// a second import of the same message (a retry, another instance) is refused by the database.
/// </summary>
public sealed class IntakeMessage : IVersioned
{
    public long Id { get; set; }
    /// <summary>The Message-ID, or "sha256:" and the hash of the raw message when it has none.</summary>
    public required string MessageKey { get; set; }
    public string? MessageId { get; set; }
    public string? InReplyTo { get; set; }
    /// <summary>The References header's ids, space-separated (cut to the column).</summary>
    public string? References { get; set; }
    /// <summary>"imap" or "drop folder", for the page.</summary>
    public required string Origin { get; set; }
    public required string Subject { get; set; }
    /// <summary>Who wrote it: for a forwarded message, the original sender.</summary>
    public string? SenderName { get; set; }
    public string? SenderAddress { get; set; }
    /// <summary>Who forwarded it, when it was forwarded.</summary>
    public string? ForwardedBy { get; set; }
    /// <summary>Every address on the message, "Name &lt;address&gt;" comma-separated.</summary>
    public required string Participants { get; set; }
    public DateTime SentAtUtc { get; set; }
    public DateTime ReceivedAtUtc { get; set; }
    /// <summary>The text part (or the HTML part turned into text).</summary>
    public string? Text { get; set; }
    /// <summary>The HTML part, already sanitised (<see cref="MailHtml"/>): never the raw markup.</summary>
    public string? SafeHtml { get; set; }
    /// <summary>The lines after the signature marker ("-- "), for pre-filling a new person.</summary>
    public string? Signature { get; set; }
    public IntakeState State { get; set; }
    /// <summary>Why it is in triage: no match, several matches (named), or the parser's error.</summary>
    public string? TriageReason { get; set; }
    public int? CompanyId { get; set; }
    /// <summary>The whole message as received, kept only when it could not be parsed (so nothing is lost).</summary>
    public byte[]? RawWhenUnreadable { get; set; }
    public DateTime? DismissedAtUtc { get; set; }
    public long Version { get; set; }

    public List<IntakeAttachment> Attachments { get; set; } = [];
}

/// <summary>An attachment of an imported message; its bytes are kept up to <see cref="IntakeOptions.MaxAttachmentMegabytes"/>.</summary>
public sealed class IntakeAttachment
{
    public long Id { get; set; }
    public long IntakeMessageId { get; set; }
    public required string FileName { get; set; }
    /// <summary>The type the message declared (shown, never trusted for serving).</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }
    /// <summary>Null when larger than the limit: listed, not downloadable.</summary>
    public byte[]? Content { get; set; }
}

/// <summary>
/// How far the reader has got in one mailbox folder, and how its last check went (for /health and the admin banner).
/// The row is the database's, so every instance sees the same progress.
/// </summary>
public sealed class IntakeMailbox
{
    /// <summary>"imap://user@host/folder" or "drop:&lt;folder&gt;".</summary>
    public required string Name { get; set; }
    public long UidValidity { get; set; }
    /// <summary>The highest UID whose message is committed here (it may still wait to be moved to Processed).</summary>
    public long LastUid { get; set; }
    public DateTime? LastSuccessAtUtc { get; set; }
    public DateTime? LastFailureAtUtc { get; set; }
    public string? LastError { get; set; }
}
