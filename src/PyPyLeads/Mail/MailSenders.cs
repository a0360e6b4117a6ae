using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using PyPyLeads.FollowUps;

namespace PyPyLeads.Mail;

/// <summary>Hands a message to the mail system. Returns once it was accepted; throws when it was not.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);

    /// <summary>Where mail goes, for logs and the health report ("smtp.example.org:587" or a folder).</summary>
    string Destination { get; }
}

/// <summary>SMTP through MailKit: one connection per message, with the settings' TLS mode and credentials.</summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options) : IMailSender
{
    private readonly MailOptions _options = options.Value;

    public string Destination => $"{_options.Host}:{_options.Port}";

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = Enum.TryParse<SecureSocketOptions>(_options.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.Auto;
        await client.ConnectAsync(_options.Host!, _options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(_options.UserName))
        {
            await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", cancellationToken);
        }
        // SendAsync returns after the server's "250 OK" to the message data: from here on the server has it.
        await client.SendAsync(message, cancellationToken);
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or System.Net.Sockets.SocketException)
        {
            // The message was accepted; a failed QUIT must not make it look unsent (and be sent again).
        }
    }

    /// <summary>A refusal that retrying cannot fix (5xx: no such mailbox, message refused).</summary>
    public static bool IsPermanent(Exception ex) =>
        ex is SmtpCommandException { StatusCode: >= (SmtpStatusCode)500 };
}

/// <summary>
/// The embedded default: each message becomes an .eml file in a folder (open it with any mail program). The file is
/// named after the message's Message-ID, so sending the same reminder again replaces its file rather than adding one.
/// </summary>
public sealed class PickupFolderMailSender(string directory) : IMailSender
{
    public string Destination => directory;

    public string Directory => directory;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var name = FileName(message);
        var path = Path.Combine(directory, name);
        var temporary = Path.Combine(directory, "." + name + "." + Guid.NewGuid().ToString("N") + ".tmp");
        await using (var stream = File.Create(temporary))
        {
            await message.WriteToAsync(stream, cancellationToken);
        }
        // A whole file or none: a reader never sees half a message.
        File.Move(temporary, path, overwrite: true);
    }

    public static string FileName(MimeMessage message)
    {
        var id = message.MessageId ?? Guid.NewGuid().ToString("N");
        var safe = new string(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        return safe + ".eml";
    }
}
