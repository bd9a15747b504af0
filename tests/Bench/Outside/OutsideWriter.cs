using System.Diagnostics;
using System.Text;
using System.Text.Json;
using HarmonyLite.Bench.Sidecars;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// The application stand-in: <c>writer.py</c> (next to this file, copied beside the bench) run by <c>python3</c>, a
/// separate process that opens a node's database with Python's sqlite3 module, knowing nothing of HarmonyLite. Each
/// subcommand prints JSON lines; the last is its result.
/// </summary>
public sealed class OutsideWriter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<string> _lastLine = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _last;

    private OutsideWriter(string subcommand, IEnumerable<string> arguments)
    {
        Command = $"writer.py {subcommand} {string.Join(' ', arguments)}";
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(subcommand);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _lastLine.TrySetResult(_last ?? "");
            else OnLine(e.Data);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_error) _error.AppendLine(e.Data); };
    }

    public static string Script => Path.Combine(AppContext.BaseDirectory, "Outside", "writer.py");

    public string Command { get; }

    /// <summary>The greatest <c>{"progress": n}</c> the writer reported so far.</summary>
    public long Progress { get; private set; }

    /// <summary>Starts a subcommand that runs until it finishes or is stopped (<see cref="StopAsync"/>).</summary>
    public static OutsideWriter Start(string subcommand, params string[] arguments)
    {
        var writer = new OutsideWriter(subcommand, arguments);
        writer._process.Start();
        writer._process.BeginOutputReadLine();
        writer._process.BeginErrorReadLine();
        return writer;
    }

    /// <summary>Runs a subcommand to its end and returns its result; a non-zero exit or the deadline is an error that quotes its stderr.</summary>
    public static async Task<JsonElement> RunAsync(string subcommand, TimeSpan timeout, CancellationToken cancellationToken, params string[] arguments)
    {
        await using var writer = Start(subcommand, arguments);
        return await writer.ResultAsync(timeout, cancellationToken);
    }

    /// <summary>Waits for the end and returns the result line.</summary>
    public async Task<JsonElement> ResultAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Command} did not finish within {timeout.TotalSeconds:N0} s. Its stderr:\n{Error}");
        }
        var last = await _lastLine.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        if (_process.ExitCode != 0 || last.Length == 0)
            throw new InvalidOperationException($"{Command} exited with code {_process.ExitCode}. Its stderr:\n{Error}");
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    /// <summary>SIGTERM: the writer finishes the write under way and prints its result, which this returns.</summary>
    public async Task<JsonElement> StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_process.HasExited) ProcFs.Terminate(_process.Id);
        return await ResultAsync(timeout, cancellationToken);
    }

    public string Error
    {
        get { lock (_error) return _error.ToString(); }
    }

    private void OnLine(string line)
    {
        _last = line;
        if (!line.StartsWith("{\"progress\":", StringComparison.Ordinal)) return;
        using var progress = JsonDocument.Parse(line);
        Progress = progress.RootElement.GetProperty("progress").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
