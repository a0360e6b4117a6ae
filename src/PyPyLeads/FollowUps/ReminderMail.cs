using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using PyPyLeads.Site;
using PyPyLeads.Time;

namespace PyPyLeads.FollowUps;

public sealed record MailRecipient(string UserId, string Name, string? Email, string TimeZoneId);

public sealed record DigestItem(int FollowUpId, int CompanyId, string CompanyName, string? SubjectType, int? SubjectId, DateTime DueAtUtc, string? Note, FollowUpState State);

/// <summary>
/// Writes the reminder and digest e-mails: plain text and HTML, every time in the owner's zone with the zone named,
/// with links into the app. The links open pages that need sign-in; marking done or snoozing is a button there
/// (a POST with an antiforgery token), never a GET that changes something.
/// </summary>
public sealed class ReminderMail(IOptions<MailOptions> options, PublicLinks links, FollowUpDeadlines deadlines, TimeProvider clock)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly MailOptions _options = options.Value;

    public static string FormatTime(DateTime utc, string timeZoneId) =>
        Zones.ToLocal(utc, timeZoneId).ToString("ddd d MMM yyyy, HH:mm", Invariant) + " " + Zones.Label(utc, timeZoneId);

    public string Link(string path) => links.To(path);

    /// <summary>
    /// The same reminder (follow-up, due instant and round) always gets the same Message-ID, on every try and after a
    /// take-over by another instance, so a re-sent copy can be recognised downstream as one. The round keeps a new
    /// reminder apart from an old one at the same instant (rescheduled away and back again).
    /// </summary>
    public string ReminderMessageId(FollowUp f) => $"reminder-{f.DueAtUtc:yyyyMMdd'T'HHmmss}-f{f.Id}-r{f.Round}@{MessageIdHost}";

    public string DigestMessageId(string userId, DateOnly day) =>
        $"digest-{day:yyyyMMdd}-{new string(userId.Where(char.IsAsciiLetterOrDigit).Take(12).ToArray())}@{MessageIdHost}";

    private string MessageIdHost => links.Host;

    public MimeMessage Reminder(FollowUp f, string companyName, MailRecipient owner)
    {
        var due = FormatTime(f.DueAtUtc, owner.TimeZoneId);
        var about = f.SubjectType is null ? companyName : $"{companyName} ({FollowUpSubjects.Describe(f.SubjectType)})";
        var subjectLink = Link(FollowUpSubjects.Path(f.CompanyId, f.SubjectType, f.SubjectId));
        var doneLink = Link($"/followups/{f.Id}/done");
        var snoozeLink = Link($"/followups/{f.Id}/snooze");
        var warning = deadlines.IsAfterEnd(f.DueAtUtc)
            ? $"This follow-up falls after the Eurostars project ends ({deadlines.EndsOn.ToString("d MMMM yyyy", Invariant)}): move it earlier."
            : deadlines.IsAfterLastSafe(f.DueAtUtc)
                ? $"This is after the last safe follow-up day ({deadlines.LastSafeDay.ToString("d MMMM yyyy", Invariant)})."
                : null;

        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {owner.Name},")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"It is time to follow up with {about}.")
            .AppendLine(CultureInfo.InvariantCulture, $"Due: {due}");
        if (!string.IsNullOrWhiteSpace(f.Note))
        {
            text.AppendLine().AppendLine("Note:").AppendLine(f.Note);
        }
        if (warning is not null)
        {
            text.AppendLine().AppendLine(warning);
        }
        text.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Open {companyName}: {subjectLink}")
            .AppendLine(CultureInfo.InvariantCulture, $"Mark it done: {doneLink}")
            .AppendLine(CultureInfo.InvariantCulture, $"Snooze it: {snoozeLink}")
            .AppendLine()
            .AppendLine("(The links open PyPyLeads; you may be asked to sign in first.)");

        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<p>Hello {E(owner.Name)},</p>")
            .Append(CultureInfo.InvariantCulture, $"<p>It is time to follow up with <strong>{E(about)}</strong>.<br>Due: {E(due)}</p>");
        if (!string.IsNullOrWhiteSpace(f.Note))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Note:<br>{E(f.Note).Replace("\n", "<br>", StringComparison.Ordinal)}</p>");
        }
        if (warning is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><strong>{E(warning)}</strong></p>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(subjectLink)}\">Open {E(companyName)}</a> · ")
            .Append(CultureInfo.InvariantCulture, $"<a href=\"{E(doneLink)}\">Mark it done</a> · ")
            .Append(CultureInfo.InvariantCulture, $"<a href=\"{E(snoozeLink)}\">Snooze it</a></p>")
            .Append("<p>(The links open PyPyLeads; you may be asked to sign in first.)</p>");

        var message = NewMessage(owner, $"Follow up with {about}: due {due}", text.ToString(), html.ToString());
        message.MessageId = ReminderMessageId(f);
        message.Headers.Add("X-PyPyLeads-FollowUp", f.Id.ToString(Invariant));
        return message;
    }

    public MimeMessage Digest(MailRecipient owner, DateOnly day, DateTime nowUtc, IReadOnlyList<DigestItem> items)
    {
        var overdue = items.Where(i => i.DueAtUtc <= nowUtc).OrderBy(i => i.DueAtUtc).ToList();
        var later = items.Where(i => i.DueAtUtc > nowUtc).OrderBy(i => i.DueAtUtc).ToList();
        var dayText = day.ToString("ddd d MMM yyyy", Invariant);
        var parts = new List<string>();
        if (overdue.Count > 0)
        {
            parts.Add($"{overdue.Count} overdue");
        }
        if (later.Count > 0)
        {
            parts.Add($"{later.Count} due later today");
        }

        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {owner.Name},")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Your follow-ups for {dayText} (times in {Zones.Label(nowUtc, owner.TimeZoneId)}):");
        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<p>Hello {E(owner.Name)},</p><p>Your follow-ups for {E(dayText)} (times in {E(Zones.Label(nowUtc, owner.TimeZoneId))}):</p>");
        Section("Overdue", overdue);
        Section("Due later today", later);
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"All your follow-ups: {Link("/followups")}");
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(Link("/followups"))}\">All your follow-ups</a></p>");

        var message = NewMessage(owner, $"Your follow-ups for {dayText}: {string.Join(", ", parts)}", text.ToString(), html.ToString());
        message.MessageId = DigestMessageId(owner.UserId, day);
        return message;

        void Section(string title, List<DigestItem> list)
        {
            if (list.Count == 0)
            {
                return;
            }
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{title}:");
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(title)}</h3><ul>");
            foreach (var i in list)
            {
                var when = FormatTime(i.DueAtUtc, owner.TimeZoneId);
                var about = i.SubjectType is null ? i.CompanyName : $"{i.CompanyName} ({FollowUpSubjects.Describe(i.SubjectType)})";
                var note = string.IsNullOrWhiteSpace(i.Note) ? "" : " — " + OneLine(i.Note);
                var link = Link($"/followups/{i.FollowUpId}");
                text.AppendLine(CultureInfo.InvariantCulture, $"- {when}: {about}{note}")
                    .AppendLine(CultureInfo.InvariantCulture, $"  {link}");
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(when)}: <a href=\"{E(link)}\">{E(about)}</a>{E(note)}</li>");
            }
            html.Append("</ul>");
        }
    }

    private MimeMessage NewMessage(MailRecipient to, string subject, string text, string html)
    {
        var message = new MimeMessage { Date = clock.GetUtcNow() };
        message.From.Add(MailboxAddress.Parse(_options.From));
        message.To.Add(new MailboxAddress(to.Name, to.Email ?? throw new InvalidOperationException("No e-mail address.")));
        message.Subject = OneLine(subject);
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = $"<!DOCTYPE html><html><body>{html}</body></html>" }.ToMessageBody();
        return message;
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);

    /// <summary>Control characters (a note's line breaks, hostile input) become spaces in one-line places.</summary>
    private static string OneLine(string value)
    {
        var chars = value.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        var line = new string(chars).Trim();
        return line.Length <= 200 ? line : line[..199] + "…";
    }
}
