using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HarmonyLite.Nats.Tests.Protocol;

/// <summary>
/// A scripted TCP peer on loopback that plays a misbehaving server (garbage, silence, stale errors).
/// Each accepted connection runs the script with its index; the peer is not a NATS implementation.
/// </summary>
internal sealed class FakeServerPeer : IAsyncDisposable
{
    public const string Info = "INFO {\"server_id\":\"FAKE\",\"server_name\":\"fake\",\"version\":\"2.9.10\",\"proto\":1,\"max_payload\":1048576,\"headers\":true}\r\n";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, Connection, CancellationToken, Task> _script;
    private readonly List<Task> _sessions = new();
    private readonly Task _accept;
    private int _accepted;

    public FakeServerPeer(Func<int, Connection, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _accept = Task.Run(AcceptLoopAsync);
    }

    public string Url => $"nats://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var index = Interlocked.Increment(ref _accepted) - 1;
                lock (_sessions) _sessions.Add(Task.Run(() => RunAsync(index, client)));
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task RunAsync(int index, TcpClient client)
    {
        using (client)
        {
            try { await _script(index, new Connection(client.GetStream()), _stop.Token); }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accept;
        Task[] sessions;
        lock (_sessions) sessions = _sessions.ToArray();
        await Task.WhenAll(sessions);
        _stop.Dispose();
    }

    /// <summary>One accepted client: line reads and raw writes.</summary>
    public sealed class Connection(NetworkStream stream)
    {
        private readonly StringBuilder _buffered = new();

        public Task SendAsync(string text, CancellationToken ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

        /// <summary>Reads until a line starting with <paramref name="prefix"/> arrives (e.g. the client's PING).</summary>
        public async Task<string> ExpectLineAsync(string prefix, CancellationToken ct)
        {
            var buffer = new byte[4096];
            while (true)
            {
                var text = _buffered.ToString();
                var newline = text.IndexOf('\n');
                while (newline >= 0)
                {
                    var line = text[..newline].TrimEnd('\r');
                    _buffered.Remove(0, newline + 1);
                    if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
                    text = _buffered.ToString();
                    newline = text.IndexOf('\n');
                }
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0) throw new IOException("The client closed the connection.");
                _buffered.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }

        /// <summary>INFO, then the client's CONNECT and PING answered with PONG: the client is connected.</summary>
        public async Task HandshakeAsync(CancellationToken ct)
        {
            await SendAsync(Info, ct);
            await ExpectLineAsync("CONNECT ", ct);
            await ExpectLineAsync("PING", ct);
            await SendAsync("PONG\r\n", ct);
        }

        /// <summary>Keeps reading (and answering PINGs) until the client leaves.</summary>
        public async Task ServeUntilClosedAsync(CancellationToken ct)
        {
            while (true)
            {
                await ExpectLineAsync("PING", ct);
                await SendAsync("PONG\r\n", ct);
            }
        }

        /// <summary>Reads until the client leaves, never answering.</summary>
        public async Task IgnoreUntilClosedAsync(CancellationToken ct)
        {
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, ct) > 0) { }
        }
    }
}
