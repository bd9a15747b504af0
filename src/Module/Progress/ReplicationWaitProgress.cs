using System.Diagnostics;
using HarmonyLite.Engine.Cluster;
using System.Management.Automation;

namespace HarmonyLite.PowerShell.Progress;

/// <summary>How far Wait-HarmonyReplication is: publishing this node's changes, then nodes caught up and messages left, and the time left.</summary>
internal sealed class ReplicationWaitProgress(Cmdlet cmdlet, TimeSpan timeout)
{
    private readonly ProgressDisplay _display = new(cmdlet, 4, "Waiting until every live node has applied what was published");
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile ReplicationProgress? _latest;

    /// <summary>Takes one poll's progress (on any thread).</summary>
    public void Report(ReplicationProgress progress) => _latest = progress;

    /// <summary>Updates the bar (call on the pipeline thread).</summary>
    public void Show()
    {
        if (_latest is not { } progress) return;
        var left = $" | {Math.Max(0, (timeout - _clock.Elapsed).TotalSeconds):0} s left";
        if (progress.Publishing)
            _display.Update("publishing this node's committed changes" + left);
        else
            _display.Update($"{progress.CaughtUp} of {progress.Nodes} nodes caught up, {progress.MessagesBehind} message(s) to apply" + left,
                progress.Nodes == 0 ? -1 : progress.CaughtUp * 100 / progress.Nodes);
    }

    public void Complete()
    {
        Show();
        _display.Complete();
    }
}
