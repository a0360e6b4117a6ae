using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace PyPyLeads.TestSupport;

/// <summary>A message as the SMTP server received it, and when (by the real clock).</summary>
public sealed record ReceivedMail(MimeMessage Message, DateTimeOffset ReceivedAt)
{
    public string To => string.Join(", ", Message.To.Mailboxes.Select(m => m.Address));

    public string Text => Message.TextBody ?? "";

    public string Html => Message.HtmlBody ?? "";
}

/// <summary>
/// A real SMTP server (the SmtpServer library) on a loopback port, keeping what it receives. It can be stopped
/// (connections are then refused, as with a mail server that is down) and started again on the same port.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly ConcurrentQueue<ReceivedMail> _refused = new();
    private SmtpServer.SmtpServer? _server;
    private CancellationTokenSource? _stop;
    private Task? _running;

    public SmtpSink()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    /// <summary>The app's settings that send its mail here, in plain SMTP on loopback.</summary>
    public IReadOnlyDictionary<string, string> AppSettings => new Dictionary<string, string>
    {
        ["Mail:Host"] = "127.0.0.1",
        ["Mail:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:Security"] = "None",
    };

    public IReadOnlyList<ReceivedMail> Received => _received.ToArray();

    /// <summary>Messages offered while <see cref="Refusing"/>, and refused.</summary>
    public IReadOnlyList<ReceivedMail> Refused => _refused.ToArray();

    /// <summary>
    /// While true, every message is refused at the end of its data with "451 4.3.0 try again later", a temporary
    /// refusal (a full queue, greylisting): the sender is to try again later.
    /// </summary>
    public bool Refusing { get; set; }

    public bool IsRunning => _server is not null;

    /// <summary>SMTP connections opened so far (a session each).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Runs before a message is accepted (the client waits for the answer meanwhile): a test's way in mid-send.</summary>
    public Func<MimeMessage, Task>? BeforeAccept { get; set; }

    private int _connections;

    public void Start()
    {
        if (_server is not null)
        {
            return;
        }
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new NoDelayListeners());
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _connections);
        _stop = new CancellationTokenSource();
        _running = _server.StartAsync(_stop.Token);
    }

    /// <summary>Stops listening: from now on a connection is refused.</summary>
    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }
        await _stop!.CancelAsync();
        try
        {
            await _running!;
        }
        catch (OperationCanceledException)
        {
        }
        _server = null;
        _stop.Dispose();
    }

    /// <summary>Waits (polling, up to <paramref name="timeout"/>) until at least <paramref name="count"/> messages arrived.</summary>
    public Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null) => WaitForAsync(_ => true, count, timeout);

    /// <summary>Waits until at least <paramref name="count"/> messages that match arrived; returns those.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(Func<ReceivedMail, bool> match, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var matching = Received.Where(match).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} e-mails, got {matching.Count}.");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            if (sink.BeforeAccept is { } hook)
            {
                await hook(message);
            }
            if (sink.Refusing)
            {
                sink._refused.Enqueue(new ReceivedMail(message, DateTimeOffset.UtcNow));
                return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Try again later");
            }
            sink._received.Enqueue(new ReceivedMail(message, DateTimeOffset.UtcNow));
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>
/// The library's own listener leaves Nagle on: it writes each reply to pipelined commands (MAIL, RCPT, DATA in one
/// packet, as MailKit sends them) on its own, so the second reply waits for the client's delayed ACK, 40 ms a message
/// on Linux. Mail servers answer pipelined commands in one write; with Nagle off this one answers at once too.
/// </summary>
internal sealed class NoDelayListeners : SmtpServer.Net.IEndpointListenerFactory
{
    public SmtpServer.Net.IEndpointListener CreateListener(SmtpServer.IEndpointDefinition endpointDefinition)
    {
        var listener = new TcpListener(endpointDefinition.Endpoint);
        listener.Start();
        return new Listener(listener);
    }

    private sealed class Listener(TcpListener listener) : SmtpServer.Net.IEndpointListener
    {
        public async Task<SmtpServer.IO.ISecurableDuplexPipe> GetPipeAsync(SmtpServer.ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            client.NoDelay = true;
            context.Properties[SmtpServer.Net.EndpointListener.LocalEndPointKey] = client.Client.LocalEndPoint!;
            context.Properties[SmtpServer.Net.EndpointListener.RemoteEndPointKey] = client.Client.RemoteEndPoint!;
            return new Pipe(client);
        }

        public void Dispose() => listener.Stop();
    }

    private sealed class Pipe(TcpClient client) : SmtpServer.IO.ISecurableDuplexPipe
    {
        private readonly NetworkStream _stream = client.GetStream();
        private System.IO.Pipelines.PipeReader? _input;
        private System.IO.Pipelines.PipeWriter? _output;

        public System.IO.Pipelines.PipeReader Input => _input ??= System.IO.Pipelines.PipeReader.Create(_stream);

        public System.IO.Pipelines.PipeWriter Output => _output ??= System.IO.Pipelines.PipeWriter.Create(_stream);

        public bool IsSecure => false;

        public System.Security.Authentication.SslProtocols SslProtocol => System.Security.Authentication.SslProtocols.None;

        public Task UpgradeAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate, System.Security.Authentication.SslProtocols protocols, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The test SMTP server speaks plain SMTP only.");

        public void Dispose()
        {
            _stream.Dispose();
            client.Dispose();
        }
    }
}

public static class SmtpSinkExtensions
{
    /// <summary>Sends the app's mail to the sink, in plain SMTP on loopback.</summary>
    public static LeadsApp SendingMailTo(this LeadsApp app, SmtpSink sink)
    {
        foreach (var (key, value) in sink.AppSettings)
        {
            app.With(key, value);
        }
        return app;
    }
}
