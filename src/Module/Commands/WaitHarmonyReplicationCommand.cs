using System.Management.Automation;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Nodes;
using HarmonyLite.PowerShell.Progress;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Wait-HarmonyReplication: waits until every live node has applied everything published up to the moment it was
/// called, after the given node published everything its database had committed (so "write, then wait" has no race).
/// Needs only NATS, not the other machines' files. On timeout, a terminating error names each node behind and by how much.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "HarmonyReplication", DefaultParameterSetName = NodeSet, HelpUri = HelpLinks.Base + "wait-harmonyreplication")]
[OutputType(typeof(ReplicationResult))]
public sealed class WaitHarmonyReplicationCommand : ClusterCmdlet
{
    /// <summary>How long to wait: seconds (a number, or a string of one) or a TimeSpan. Default 60 seconds.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    protected override void BeginProcessing()
    {
        if (Timeout <= TimeSpan.Zero)
            ThrowTerminatingError(new ErrorRecord(new PSArgumentOutOfRangeException(nameof(Timeout), Timeout, $"-Timeout must be longer than zero; it is {Timeout}."),
                "InvalidTimeout", ErrorCategory.InvalidArgument, Timeout));
    }

    private protected override void AskNode(SessionNode node) =>
        Wait(progress => cancellationToken => node.WaitReplicatedAsync(Timeout, progress.Report, cancellationToken));

    private protected override void AskConfiguration(HarmonyConfig config) =>
        Wait(progress => cancellationToken => ReplicationWaiter.WaitAsync(config, Timeout, "-Timeout", progress.Report, cancellationToken));

    private void Wait(Func<ReplicationWaitProgress, Func<CancellationToken, Task<ReplicationResult>>> call)
    {
        var progress = new ReplicationWaitProgress(this, Timeout);
        try
        {
            WriteObject(RunEngine(call(progress), null, progress.Show));
        }
        finally
        {
            progress.Complete();
        }
    }
}
