using System.Diagnostics;
using System.Management.Automation;
using System.Net.Sockets;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Progress;

/// <summary>
/// The progress of a node starting in the foreground: what it did last (from its log) and, for an embedded server in a
/// cluster, how many of its peers' route ports answer, since JetStream waits for a majority of them.
/// </summary>
internal sealed class NodeStartProgress : IDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(300);

    private readonly ProgressDisplay _display;
    private readonly IReadOnlyList<Uri> _peers;
    private readonly TimeSpan _limit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IDisposable _subscription;
    private readonly CancellationTokenSource _stop = new();
    private volatile string _phase = "starting";
    private volatile int _peersUp = -1;

    public NodeStartProgress(Cmdlet cmdlet, SessionNode node)
    {
        _display = new ProgressDisplay(cmdlet, 2, $"Starting HarmonyLite node {node.NodeId} on {node.DatabasePath}");
        _peers = node.Config.Nats.UsesEmbeddedServer ? node.Config.Cluster.Peers : [];
        _limit = new EmbeddedNatsServerOptions { NodeId = node.NodeId, DataDirectory = "" }.StartTimeout;
        _subscription = node.Log.Subscribe(record =>
        {
            if (record.Level == HarmonyLogLevel.Information) _phase = record.Message;
        });
        if (_peers.Count > 0) _ = ProbePeersAsync(_stop.Token);
    }

    /// <summary>Updates the bar (call on the pipeline thread).</summary>
    public void Show()
    {
        var status = $"{_clock.Elapsed.TotalSeconds:0} s: {_phase}";
        if (_peers.Count > 0 && _peersUp >= 0)
        {
            var needed = (_peers.Count + 1) / 2; // a majority of the cluster, this server included
            status += $" | cluster peers reachable: {_peersUp} of {_peers.Count} (JetStream needs {needed})";
        }
        _display.Update(status, (int)(_clock.Elapsed.TotalSeconds * 100 / _limit.TotalSeconds));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _subscription.Dispose();
        _display.Complete();
    }

    private async Task ProbePeersAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var up = await Task.WhenAll(_peers.Select(p => AnswersAsync(p, cancellationToken))).ConfigureAwait(false);
                _peersUp = up.Count(a => a);
                await Task.Delay(ProbeInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The start finished.
        }
    }

    private static async Task<bool> AnswersAsync(Uri peer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(peer.Host, peer.Port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
