namespace PyPyLeads.Intake;

/// <summary>The <c>Intake</c> settings: the team mailbox read over IMAP, or (without a host) the drop folder.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    public ImapSettings Imap { get; set; } = new();

    /// <summary>Where .eml files are read from when no IMAP host is set; empty means <c>inbox</c> in the data folder.</summary>
    public string? DropFolder { get; set; }

    /// <summary>An attachment larger than this is listed but its bytes are not kept (so not downloadable).</summary>
    public int MaxAttachmentMegabytes { get; set; } = 10;

    /// <summary>Messages committed per transaction (and moved to Processed together).</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// More addresses or domains (';'-separated) that are the team's own, besides the team members', the users' and the
    /// consultancies' web domains: mail between them is never taken for a company's.
    /// </summary>
    public string? TeamAddresses { get; set; }

    public bool UsesImap => !string.IsNullOrWhiteSpace(Imap.Host);

    public long MaxAttachmentBytes => MaxAttachmentMegabytes * 1024L * 1024L;

    public IEnumerable<string> Problems()
    {
        if (MaxAttachmentMegabytes is < 0 or > 100)
        {
            yield return $"Intake:MaxAttachmentMegabytes must be 0 to 100 (it is {MaxAttachmentMegabytes}).";
        }
        if (BatchSize is < 1 or > 1000)
        {
            yield return $"Intake:BatchSize must be 1 to 1000 (it is {BatchSize}).";
        }
        if (!UsesImap)
        {
            yield break;
        }
        if (Imap.Port is < 1 or > 65535)
        {
            yield return $"Intake:Imap:Port must be 1 to 65535 (it is {Imap.Port}).";
        }
        if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(Imap.Security, ignoreCase: true, out _))
        {
            yield return $"Intake:Imap:Security '{Imap.Security}' is not one of Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.";
        }
        if (string.IsNullOrWhiteSpace(Imap.User))
        {
            yield return "Intake:Imap:User is needed when Intake:Imap:Host is set (the team mailbox's login).";
        }
        if (string.IsNullOrWhiteSpace(Imap.Folder))
        {
            yield return "Intake:Imap:Folder must name the folder to read (e.g. INBOX).";
        }
        if (string.IsNullOrWhiteSpace(Imap.ProcessedFolder) || string.Equals(Imap.ProcessedFolder, Imap.Folder, StringComparison.OrdinalIgnoreCase))
        {
            yield return "Intake:Imap:ProcessedFolder must name a folder other than Intake:Imap:Folder (read messages are moved there).";
        }
    }
}

/// <summary>The <c>Intake:Imap</c> settings. The password is never logged nor shown.</summary>
public sealed class ImapSettings
{
    /// <summary>Empty: no IMAP, the drop folder is read instead.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 993;
    /// <summary>MailKit's SecureSocketOptions: Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>The one folder read: the team mailbox's, never anyone's whole inbox.</summary>
    public string Folder { get; set; } = "INBOX";
    /// <summary>Where a message goes once it is committed to the database (created when missing).</summary>
    public string ProcessedFolder { get; set; } = "Processed";
    /// <summary>Seconds any one IMAP command may take before the check gives up (and the next one starts over).</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>The mailbox as logs and the health report name it: no password.</summary>
    public override string ToString() => $"imap://{User}@{Host}:{Port}/{Folder}";
}
