using System.Management.Automation;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Jobs;

/// <summary>
/// Runs a session node for a job and says what the job shows: its state follows the node (not started while the
/// node starts, running while it replicates, stopping, then stopped when asked to stop, completed when the node
/// ended by itself, failed when it failed), its output gets the node's status when it starts replicating and when
/// it ends, and its streams get the node's log. Kept apart from the <see cref="Job"/> subclass so it can be tested
/// without a PowerShell runspace.
/// </summary>
internal sealed class NodeJobDriver
{
    private readonly SessionNode _node;
    private readonly Action<JobState, Exception?> _setState;
    private readonly Action<NodeStatus> _writeStatus;
    private readonly Action<HarmonyLogRecord> _writeLog;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _stateGate = new();
    private JobState _state = JobState.NotStarted;

    /// <param name="node">The node to run; not started yet.</param>
    /// <param name="setState">Moves the job to a state; the exception says why it failed.</param>
    /// <param name="writeStatus">Adds a status record to the job's output.</param>
    /// <param name="writeLog">Adds a log record to the job's streams.</param>
    public NodeJobDriver(SessionNode node, Action<JobState, Exception?> setState, Action<NodeStatus> writeStatus, Action<HarmonyLogRecord> writeLog)
    {
        _node = node;
        _setState = setState;
        _writeStatus = writeStatus;
        _writeLog = writeLog;
    }

    public JobState State
    {
        get
        {
            lock (_stateGate) return _state;
        }
    }

    /// <summary>Completes when the job has reached its final state.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Starts the node and follows it until it ends. Never throws: failures end in <see cref="JobState.Failed"/>.</summary>
    public async Task RunAsync()
    {
        using var logSubscription = _node.Log.Subscribe(_writeLog);
        try
        {
            await _node.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            await FinishAsync(failure is OperationCanceledException && _node.StopRequested ? null : failure).ConfigureAwait(false);
            return;
        }
        await WriteStatusAsync().ConfigureAwait(false);
        Transition(JobState.Running, null);
        Exception? ended = null;
        try
        {
            await _node.WaitForCompletionAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            ended = failure;
        }
        await FinishAsync(ended).ConfigureAwait(false);
    }

    /// <summary>Stops the node (cancelling a start in progress) and waits until the job has reached its final state.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Transition(JobState.Stopping, null);
        await _node.StopAsync(cancellationToken).ConfigureAwait(false);
        await _finished.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's final state for a node that ended with <paramref name="failure"/> (null: cleanly).</summary>
    internal static JobState FinalState(bool stopRequested, Exception? failure) =>
        failure is not null ? JobState.Failed : stopRequested ? JobState.Stopped : JobState.Completed;

    private async Task FinishAsync(Exception? failure)
    {
        await WriteStatusAsync().ConfigureAwait(false);
        Transition(FinalState(_node.StopRequested, failure), failure);
        _finished.TrySetResult();
    }

    private async Task WriteStatusAsync()
    {
        try
        {
            _writeStatus(await _node.GetStatusAsync(CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception error)
        {
            // Status is informative; failing to read it (NATS just went away) must not change how the job ends.
            _writeLog(new HarmonyLogRecord(DateTimeOffset.Now, HarmonyLogLevel.Warning, nameof(NodeJobDriver), $"Reading the status of node {_node.NodeId} failed: {error.Message}", error));
        }
    }

    private void Transition(JobState state, Exception? reason)
    {
        lock (_stateGate)
        {
            if (IsFinal(_state) || _state == state) return;
            // A stop asked for while the node was still starting stays "stopping" until the node has ended.
            if (_state == JobState.Stopping && state == JobState.Running) return;
            _state = state;
            _setState(state, reason);
        }
    }

    private static bool IsFinal(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;
}
