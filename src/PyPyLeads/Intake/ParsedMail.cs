using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MimeKit;

namespace PyPyLeads.Intake;

/// <summary>An attachment as read from a message: its bytes are null when over the size limit.</summary>
public sealed record ParsedAttachment(string FileName, string ContentType, long Size, byte[]? Content);

/// <summary>
/// What intake needs from one raw message: its key (Message-ID, else a hash of the bytes), the thread headers, the
/// sender (for a forwarded message, the original one), every participant, the text, the HTML already sanitised, the
/// attachments, or the parser's error when it could not be read.
/// </summary>
public sealed record ParsedMail(
    string Key, string? MessageId, string? InReplyTo, IReadOnlyList<string> References, string Subject,
    MailboxAddress? Sender, MailboxAddress? ForwardedBy, IReadOnlyList<MailboxAddress> Participants, DateTime? SentAtUtc,
    string? Text, string? SafeHtml, string? Signature, IReadOnlyList<ParsedAttachment> Attachments, string? Error)
{
    /// <summary>The addresses that are not the team's: the original sender first for a forwarded message.</summary>
    public IEnumerable<MailboxAddress> External(TeamAddresses team) =>
        (ForwardedBy is not null && Sender is not null ? [Sender] : Participants).Where(a => !team.Contains(a.Address));

    public static ParsedMail Parse(byte[] raw, long maxAttachmentBytes)
    {
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            message = MimeMessage.Load(stream);
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException or InvalidOperationException)
        {
            return Unreadable(raw, ex.Message);
        }
        try
        {
            return From(message, raw, maxAttachmentBytes);
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException or InvalidOperationException or NotSupportedException or IOException)
        {
            // Headers read, a part did not decode: still triage, with what the parser said, rather than a stuck mailbox.
            return Unreadable(raw, ex.Message) with { Subject = Clean(message.Subject) ?? Unreadable(raw, "").Subject };
        }
    }

    private static ParsedMail Unreadable(byte[] raw, string error) =>
        new(HashKey(raw), null, null, [], "(a message that could not be read)", null, null, [], null, null, null, null, [], error);

    private static ParsedMail From(MimeMessage message, byte[] raw, long maxAttachmentBytes)
    {
        var messageId = Clean(message.MessageId);
        var key = messageId is not null && messageId.Length + 2 <= IntakeMessageConfiguration.MaxKey ? "<" + messageId + ">" : HashKey(raw);
        var outerFrom = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var text = message.TextBody ?? (message.HtmlBody is { } html ? MailHtml.ToText(html) : null);
        var attachments = new List<ParsedAttachment>();
        MimeMessage? inner = null;
        foreach (var entity in message.Attachments)
        {
            switch (entity)
            {
                case MessagePart { Message: { } attached }:
                    inner ??= attached;
                    attachments.Add(Read(entity, (Clean(attached.Subject) ?? "forwarded message") + ".eml", stream => attached.WriteTo(stream), maxAttachmentBytes));
                    break;
                case MimePart part:
                    attachments.Add(Read(part, part.FileName ?? "attachment", stream => part.Content?.DecodeTo(stream), maxAttachmentBytes));
                    break;
            }
        }

        // A forwarded message: the original sender is the one who matters, from the attached message or the body.
        MailboxAddress? original = inner?.From.Mailboxes.FirstOrDefault();
        if (original is null && text is not null)
        {
            original = ForwardedSender(text);
        }
        if (inner is not null)
        {
            var innerText = inner.TextBody ?? (inner.HtmlBody is { } h ? MailHtml.ToText(h) : null);
            if (!string.IsNullOrWhiteSpace(innerText))
            {
                text = (string.IsNullOrWhiteSpace(text) ? "" : text.TrimEnd() + "\n\n") + "---------- Forwarded message ----------\n" + innerText;
            }
        }
        var forwarded = original is not null && outerFrom is not null && !Same(original, outerFrom);

        var participants = new List<MailboxAddress>();
        void AddAll(IEnumerable<MailboxAddress> addresses)
        {
            foreach (var a in addresses)
            {
                if (!string.IsNullOrWhiteSpace(a.Address) && !participants.Any(p => Same(p, a)))
                {
                    participants.Add(a);
                }
            }
        }
        if (forwarded)
        {
            AddAll([original!]);
        }
        AddAll(message.From.Mailboxes);
        AddAll(message.ReplyTo.Mailboxes);
        AddAll(message.To.Mailboxes);
        AddAll(message.Cc.Mailboxes);
        if (inner is not null)
        {
            AddAll(inner.To.Mailboxes);
            AddAll(inner.Cc.Mailboxes);
        }

        return new ParsedMail(
            key, messageId, Clean(message.InReplyTo),
            message.References.Select(Clean).OfType<string>().ToList(),
            Clean(message.Subject) ?? "(no subject)",
            forwarded ? original : outerFrom, forwarded ? outerFrom : null, participants,
            message.Date == DateTimeOffset.MinValue ? null : message.Date.UtcDateTime,
            text, message.HtmlBody is { } body ? MailHtml.Sanitise(body) : null, SignatureOf(text), attachments, null);
    }

    private static ParsedAttachment Read(MimeEntity entity, string fileName, Action<Stream> write, long maxBytes)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        var size = buffer.Length;
        return new ParsedAttachment(Path.GetFileName(fileName.Replace('\\', '/')) is { Length: > 0 } name ? name : "attachment",
            entity.ContentType.MimeType, size, size <= maxBytes ? buffer.ToArray() : null);
    }

    // The header block of a forwarded message as mail programs write it: Gmail's "---------- Forwarded message
    // ---------", Thunderbird's and Outlook's "-------- Original Message --------", Apple Mail's "Begin forwarded
    // message:", Outlook's line of underscores; then a "From:" line within the next few lines.
    private static readonly Regex ForwardMarker = new(
        @"^\s*(?:-{2,}\s*(?:Forwarded message|Original Message|Weitergeleitete Nachricht|Message transféré)\s*-{2,}|Begin forwarded message:|_{10,})\s*$",
        RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static readonly Regex FromLine = new(@"^[\s>]*(?:\*\s*)?(?:From|Von|De)\s*:\s*\*?\s*(?<who>.+?)\s*$",
        RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The "From:" of the first forwarded header block in a body; null when there is none.</summary>
    public static MailboxAddress? ForwardedSender(string text)
    {
        var marker = ForwardMarker.Match(text);
        if (!marker.Success)
        {
            return null;
        }
        var after = text[(marker.Index + marker.Length)..];
        var lines = string.Join('\n', after.Split('\n').Take(12));
        var from = FromLine.Match(lines);
        if (!from.Success)
        {
            return null;
        }
        // "Jane Doe <jane@yelp.com>", "jane@yelp.com", or Outlook's "Jane Doe [mailto:jane@yelp.com]".
        var who = from.Groups["who"].Value.Replace("[mailto:", "<", StringComparison.OrdinalIgnoreCase).Replace("]", ">");
        if (MailboxAddress.TryParse(who, out var address) && address.Address.Contains('@'))
        {
            return address;
        }
        var bare = Regex.Match(who, @"[^\s<>""]+@[^\s<>""]+", RegexOptions.None, TimeSpan.FromSeconds(1));
        return bare.Success ? new MailboxAddress(null, bare.Value) : null;
    }

    /// <summary>The lines after the last signature marker ("-- " on its own line), up to eight, for pre-filling a person.</summary>
    public static string? SignatureOf(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var at = Array.FindLastIndex(lines, l => l is "-- " or "--");
        if (at < 0)
        {
            return null;
        }
        var signature = string.Join('\n', lines.Skip(at + 1).Where(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('>')).Take(8)).Trim();
        return signature.Length == 0 ? null : signature.Length > 2000 ? signature[..2000] : signature;
    }

    private static bool Same(MailboxAddress a, MailboxAddress b) => string.Equals(a.Address, b.Address, StringComparison.OrdinalIgnoreCase);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string HashKey(byte[] raw) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));
}
