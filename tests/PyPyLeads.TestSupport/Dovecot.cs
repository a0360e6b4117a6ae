using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace PyPyLeads.TestSupport;

/// <summary>
/// Debian's Dovecot, started by a test as its own process on a free loopback port with a throwaway configuration, one
/// user (a passwd-file) and a maildir in a temporary folder; stopped (or killed, and started again on the same mail)
/// by the test. Messages are placed with IMAP APPEND.
/// </summary>
public sealed class Dovecot : IAsyncDisposable
{
    public const string DovecotPath = "/usr/sbin/dovecot";
    public const string User = "team@pypyleads.test";
    public const string Password = "throwaway mailbox password";

    private readonly string _folder;
    private Process? _process;

    private Dovecot(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public static bool IsInstalled => File.Exists(DovecotPath);

    /// <summary>The app's settings to read this server's INBOX.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Intake:Imap:Host", "127.0.0.1"), new("Intake:Imap:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Intake:Imap:Security", "None"), new("Intake:Imap:User", User), new("Intake:Imap:Password", Password),
        new("Intake:Imap:Folder", "INBOX"), new("Intake:Imap:ProcessedFolder", "Processed"), new("Intake:Imap:TimeoutSeconds", "10"),
    ];

    public static async Task<Dovecot> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pypyleads-dovecot", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var dovecot = new Dovecot(folder, FreePort());
        dovecot.WriteConfiguration();
        await dovecot.StartAgainAsync();
        return dovecot;
    }

    private void WriteConfiguration()
    {
        foreach (var sub in new[] { "run", "state", "mail", "home" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, sub));
        }
        // As root (CI), Dovecot drops to its own users and refuses to read mail as root: the mail belongs to "dovecot".
        var asRoot = Environment.UserName == "root";
        var mailUser = asRoot ? "dovecot" : Environment.UserName;
        var (uid, gid) = (Id("-u", mailUser), Id("-g", mailUser));
        File.WriteAllText(Path.Combine(_folder, "users"), $"{User}:{{PLAIN}}{Password}::::::\n");
        File.WriteAllText(Path.Combine(_folder, "dovecot.conf"), $$"""
            base_dir = {{_folder}}/run
            state_dir = {{_folder}}/state
            log_path = {{_folder}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = {{(asRoot ? "dovecot" : mailUser)}}
            default_internal_group = {{(asRoot ? "dovecot" : mailUser)}}
            default_login_user = {{(asRoot ? "dovenull" : mailUser)}}
            first_valid_uid = {{uid}}
            mail_location = maildir:{{_folder}}/mail/%u
            mail_fsync = never
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{_folder}}/users
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{_folder}}/home/%u
            }
            namespace inbox {
              inbox = yes
              separator = /
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            """);
        if (asRoot)
        {
            Run("chown", $"-R dovecot:dovecot {_folder}");
            Run("chmod", $"755 {Path.GetDirectoryName(_folder)}");
        }
    }

    /// <summary>Starts the server (again, on the same mail after <see cref="KillAsync"/>) and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(DovecotPath, ["-F", "-c", Path.Combine(_folder, "dovecot.conf")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Dovecot did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until && !_process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(_folder, "dovecot.log")) ? File.ReadAllText(Path.Combine(_folder, "dovecot.log")) : "(no log)";
                throw new InvalidOperationException($"Dovecot did not answer on port {Port}: {log}");
            }
        }
    }

    /// <summary>kill -9 of the master and every process it started, as a crash or an unplugged server would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>A signed-in client on the server, for placing and counting messages.</summary>
    public async Task<ImapClient> ClientAsync()
    {
        var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        return client;
    }

    /// <summary>IMAP APPEND of each message to the INBOX (MULTIAPPEND where many).</summary>
    public async Task AppendAsync(params MimeMessage[] messages)
    {
        using var client = await ClientAsync();
        foreach (var chunk in messages.Chunk(500))
        {
            await client.Inbox.AppendAsync(chunk.Select(m => (IAppendRequest)new AppendRequest(m)).ToList());
        }
        await client.DisconnectAsync(true);
    }

    /// <summary>
    /// IMAP APPEND of raw bytes, written on the wire by hand: a malformed message that no MIME library would write.
    /// </summary>
    public async Task AppendRawAsync(byte[] raw)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        await using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        await reader.ReadLineAsync(); // greeting
        await Command($"a1 LOGIN \"{User}\" \"{Password}\"\r\n", "a1");
        // LITERAL+ ({n+}): no wait for the server's go-ahead.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"a2 APPEND INBOX {{{raw.Length}+}}\r\n"));
        await stream.WriteAsync(raw);
        await Command("\r\n", "a2");
        await Command("a3 LOGOUT\r\n", "a3");

        async Task Command(string text, string tag)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    if (!line.StartsWith(tag + " OK", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"Dovecot answered: {line}");
                    }
                    return;
                }
            }
        }
    }

    /// <summary>The Message-IDs in a folder (INBOX or Processed); a missing folder has none.</summary>
    public async Task<IReadOnlyList<string?>> MessageIdsAsync(string folderName)
    {
        using var client = await ClientAsync();
        IMailFolder folder;
        try
        {
            folder = await client.GetFolderAsync(folderName);
        }
        catch (FolderNotFoundException)
        {
            return [];
        }
        await folder.OpenAsync(FolderAccess.ReadOnly);
        if (folder.Count == 0)
        {
            return [];
        }
        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        await client.DisconnectAsync(true);
        return summaries.Select(s => s.Envelope?.MessageId).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Id(string flag, string user) => Run("id", $"{flag} {user}").Trim();

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
