using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace HarmonyLite.TestSupport;

/// <summary>
/// A test server run as a child process on a free loopback port: started, waited for until it accepts TCP
/// connections (or exits, with its output in the error), and killed on dispose. A port taken between probe and
/// bind is retried on another.
/// </summary>
public sealed class LoopbackServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private LoopbackServerProcess(Process process, int port, string name)
    {
        _process = process;
        Port = port;
        Name = name;
    }

    public int Port { get; }

    public string Name { get; }

    /// <summary>What the server printed so far.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="name">For messages, e.g. "sshd".</param>
    /// <param name="arguments">The command line for a port: executable first.</param>
    /// <param name="environment">Variables to set for the child.</param>
    public static async Task<LoopbackServerProcess> StartAsync(string name, Func<int, IReadOnlyList<string>> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var command = arguments(port);
            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
            foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
            var process = new Process { StartInfo = start };
            var server = new LoopbackServerProcess(process, port, name);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await server.WaitListeningAsync().ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private async Task WaitListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited during start (code {_process.ExitCode}) on port {Port}. Its output:\n{Log}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
                return;
            }
            catch (SocketException ex) { last = ex.Message; }
            await Task.Delay(50).ConfigureAwait(false);
        }
        throw new TimeoutException($"{Name} did not listen on 127.0.0.1:{Port} within 60 s (last: {last}). Its output:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) { if (_log.Length < 1_000_000) _log.AppendLine(line); }
    }
}
