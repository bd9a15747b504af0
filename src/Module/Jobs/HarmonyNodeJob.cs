using System.Management.Automation;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Errors;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Jobs;

/// <summary>
/// The PowerShell job of <c>Start-HarmonyNode -AsJob</c>: its state follows the node, <c>Stop-Job</c> stops the node,
/// <c>Receive-Job</c> returns the node's status records (output) and its log (verbose, debug, warning and error streams).
/// </summary>
public sealed class HarmonyNodeJob : Job
{
    private readonly NodeJobDriver _driver;

    internal HarmonyNodeJob(SessionNode node, string command)
        : base(command, $"HarmonyNode{node.NodeId}")
    {
        Node = node;
        PSJobTypeName = nameof(HarmonyNodeJob);
        _driver = new NodeJobDriver(node, OnStateChanged, status => Output.Add(PSObject.AsPSObject(status)), WriteLog);
    }

    /// <summary>The node this job runs.</summary>
    public SessionNode Node { get; }

    public override string Location => Node.DatabasePath;

    public override string StatusMessage => Node.LastError ?? Node.State.ToString();

    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Information.Count > 0 || Progress.Count > 0;

    /// <summary>Starts the node in the background; the job's state follows it from here.</summary>
    internal void Start() => _ = _driver.RunAsync();

    /// <summary>Stop-Job: stops the node gracefully and returns once the job is stopped.</summary>
    public override void StopJob() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Stops the node and completes once the job has reached its final state.</summary>
    internal Task StopAsync(CancellationToken cancellationToken) => _driver.StopAsync(cancellationToken);

    private void OnStateChanged(JobState state, Exception? reason)
    {
        if (reason is not null) Error.Add(ErrorRecordFactory.Create(reason, Node.NodeId));
        SetJobState(state);
    }

    private void WriteLog(HarmonyLogRecord record)
    {
        switch (record.Level)
        {
            case HarmonyLogLevel.Trace or HarmonyLogLevel.Debug:
                Debug.Add(new DebugRecord(record.Text));
                break;
            case HarmonyLogLevel.Information:
                Verbose.Add(new VerboseRecord(record.Text));
                break;
            case HarmonyLogLevel.Warning:
                Warning.Add(new WarningRecord(record.Text));
                break;
            default:
                var errorRecord = ErrorRecordFactory.Create(record.Exception ?? new HarmonyNodeException(record.Text), Node.NodeId);
                // The logged message says what the node was doing when the error happened; the exception alone does not.
                errorRecord.ErrorDetails = new ErrorDetails(record.Text) { RecommendedAction = errorRecord.ErrorDetails?.RecommendedAction };
                Error.Add(errorRecord);
                break;
        }
    }
}
