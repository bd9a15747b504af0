using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.PowerShell.Configuration;
using HarmonyLite.PowerShell.Errors;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Jobs;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>
/// A node started in this PowerShell session (by <c>Start-HarmonyNode</c>, in the foreground or as a job): its
/// configuration, its state, and what it logged recently. The engine node runs on background threads until it is
/// stopped or fails; this object stays in the session's list until <c>Stop-HarmonyNode</c> removes it.
/// </summary>
public sealed class SessionNode
{
    private readonly TaskCompletionSource<HarmonyNode> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancelStart = new();
    private volatile HarmonyNode? _node;
    private volatile Exception? _startFailure;
    private int _startCalled;
    private int _stopRequested;

    private readonly HarmonyConfig _engineConfig;

    internal SessionNode(string configPath, HarmonyConfig config)
    {
        ConfigPath = configPath;
        _engineConfig = config;
        Config = ConfigurationRedaction.WithoutSecrets(config);
        Log = EngineLog.For(config);
    }

    public long NodeId => Config.NodeId;

    public NodeState State => _node?.State ?? _startFailure switch
    {
        null when StopRequested && Volatile.Read(ref _startCalled) == 0 => NodeState.Stopped,
        null => NodeState.Starting,
        OperationCanceledException when StopRequested => NodeState.Stopped,
        _ => NodeState.Faulted,
    };

    public string DatabasePath => Config.DbPath;

    public string ConfigPath { get; }

    /// <summary>When the node started; null until it has.</summary>
    public DateTimeOffset? StartedAt => _node?.StartedAt;

    /// <summary>Why the node failed to start or stopped with an error; null while it is fine.</summary>
    public string? LastError => (_startFailure ?? _node?.Completion.Exception?.GetBaseException()) switch
    {
        null or OperationCanceledException => null,
        var failure => ErrorWording.Message(failure),
    };

    /// <summary>The id of the PowerShell job running the node, when it was started with <c>-AsJob</c>.</summary>
    public int? JobId => Job?.Id;

    /// <summary>The job running the node, when it was started with <c>-AsJob</c>; a stop goes through it.</summary>
    internal HarmonyNodeJob? Job { get; set; }

    /// <summary>The node's configuration, secrets hidden.</summary>
    public HarmonyConfig Config { get; }

    /// <summary>The most recent engine log records of this node, oldest first.</summary>
    public IReadOnlyList<HarmonyLogRecord> RecentLog => Log.Recent();

    /// <summary>Whether the node is starting or replicating (not stopped, not failed).</summary>
    public bool IsActive => State is not (NodeState.Stopped or NodeState.Faulted);

    internal EngineLog Log { get; }

    internal bool StopRequested => Volatile.Read(ref _stopRequested) == 1;

    /// <summary>Starts the engine node; returns once it replicates. Called once.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _startCalled, 1) == 1) throw new InvalidOperationException($"Node {NodeId} of this session was already started.");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancelStart.Token);
        try
        {
            _node = await EngineEntryPoints.StartNodeAsync(_engineConfig, Log, cancel.Token).ConfigureAwait(false);
            _started.SetResult(_node);
        }
        catch (Exception failure)
        {
            var reported = NodeStartTimeoutException.From(failure, _engineConfig) ?? failure;
            _startFailure = reported;
            _started.SetException(reported);
            if (reported == failure) throw;
            throw reported;
        }
    }

    /// <summary>Completes when the node has stopped, or its start failed; faulted with the reason when it failed.</summary>
    internal async Task WaitForCompletionAsync(CancellationToken cancellationToken)
    {
        var node = await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await node.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the node gracefully (a start in progress is cancelled) and waits until it has stopped.</summary>
    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _stopRequested, 1);
        await _cancelStart.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _startCalled) == 0) return;
        HarmonyNode node;
        try
        {
            node = await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (_started.Task.IsFaulted)
        {
            return; // the start failed or was cancelled: nothing runs
        }
        await node.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node's status; while it starts or after its start failed, what is known without it.</summary>
    internal Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        _node is { } node
            ? node.GetStatusAsync(cancellationToken)
            : Task.FromResult(new NodeStatus(NodeId, State, DatabasePath, "", default, [], 0, 0, 0, 0, LastError));

    /// <summary>The configured snapshot store over the running node's NATS connection, logging into the node's log.</summary>
    internal Task<SnapshotService> OpenSnapshotServiceAsync(CancellationToken cancellationToken) =>
        _node is { State: NodeState.Running } node
            ? EngineEntryPoints.OpenSnapshotServiceAsync(node, Log, cancellationToken)
            : throw new SessionNodeNotRunningException(this);

    /// <summary>Every node of the cluster, over the running node's NATS connection.</summary>
    internal Task<ClusterStatus> ReadClusterStatusAsync(CancellationToken cancellationToken) =>
        _node is { State: NodeState.Running } node ? node.ReadClusterStatusAsync(cancellationToken) : throw new SessionNodeNotRunningException(this);

    /// <summary>Waits, over the running node's NATS connection, until every live node applied what this one committed.</summary>
    internal Task<ReplicationResult> WaitReplicatedAsync(TimeSpan timeout, Action<ReplicationProgress> progress, CancellationToken cancellationToken) =>
        _node is { State: NodeState.Running } node
            ? node.WaitReplicatedAsync(timeout, "-Timeout", progress, cancellationToken)
            : throw new SessionNodeNotRunningException(this);

    /// <summary>The configuration with its secrets, for the engine only.</summary>
    internal HarmonyConfig EngineConfig => _engineConfig;

    public override string ToString() => $"HarmonyLite node {NodeId} ({State}) on {DatabasePath}";
}
