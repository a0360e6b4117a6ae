using MailKit.Net.Smtp;
using MailKit.Security;
using System.Net.Sockets;
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

    /// <summary>
    /// For several messages in a row (a batch of due reminders): one connection for all of them instead of one each.
    /// Dispose it when the batch is done.
    /// </summary>
    IMailSession OpenSession() => new OneAtATime(this);

    private sealed class OneAtATime(IMailSender sender) : IMailSession
    {
        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken) => sender.SendAsync(message, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Sends messages one after another, like <see cref="IMailSender.SendAsync"/>, over a connection it keeps open.</summary>
public interface IMailSession : IAsyncDisposable
{
    /// <summary>Returns once the message was accepted; throws when it was not (the next message then opens a fresh connection).</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// SMTP through MailKit, with the settings' TLS mode and credentials: one connection per message, or one per session
/// (connecting, the TLS handshake and authenticating cost more than a small message itself).
/// </summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options) : IMailSender
{
    private readonly MailOptions _options = options.Value;

    public string Destination => $"{_options.Host}:{_options.Port}";

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        await using var session = new Session(_options);
        await session.SendAsync(message, cancellationToken);
    }

    public IMailSession OpenSession() => new Session(_options);

    private sealed class Session(MailOptions options) : IMailSession
    {
        private SmtpClient? _client;

        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            var reused = _client is { IsConnected: true };
            try
            {
                var client = await ConnectedAsync(cancellationToken);
                // SendAsync returns after the server's "250 OK" to the message data: from here on the server has it.
                await client.SendAsync(message, cancellationToken);
            }
            catch (Exception ex) when (reused && !cancellationToken.IsCancellationRequested
                && ex is MailKit.ServiceNotConnectedException or MailKit.ProtocolException or IOException or System.Net.Sockets.SocketException)
            {
                // The server closed the connection kept open since the last message (an idle timeout): once more on a
                // fresh one. (Any other failure is the caller's to record and retry with back-off.)
                Drop();
                try
                {
                    await (await ConnectedAsync(cancellationToken)).SendAsync(message, cancellationToken);
                }
                catch
                {
                    Drop();
                    throw;
                }
            }
            catch
            {
                // After a failure the connection's state is unknown: the next message starts afresh.
                Drop();
                throw;
            }
        }

        private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
        {
            if (_client is { IsConnected: true })
            {
                return _client;
            }
            Drop();
            var client = new SmtpClient { Timeout = 30_000 };
            _client = client;
            var security = Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.Auto;
            // Nagle off: SMTP is a conversation of small writes, each waiting for the server's answer, which Nagle
            // only holds back (about a third more time per message over one connection on loopback, measured).
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(options.Host!, options.Port, cancellationToken);
                await client.ConnectAsync(socket, options.Host!, options.Port, security, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            if (!string.IsNullOrEmpty(options.UserName))
            {
                await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken);
            }
            return client;
        }

        private void Drop()
        {
            _client?.Dispose();
            _client = null;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is { IsConnected: true } client)
            {
                try
                {
                    using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await client.DisconnectAsync(quit: true, quit.Token);
                }
                catch (Exception)
                {
                    // Every message was accepted already; a failed QUIT, whatever the failure, must not make one look
                    // unsent (and be sent again).
                }
            }
            Drop();
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
