using System.Management.Automation;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.PowerShell.Completion;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Restore-HarmonySnapshot: replaces the node's database with a verified snapshot (the newest, or -Id). Refused while
/// the database is in use, by a node of this session or by any other process.
/// </summary>
[Cmdlet(VerbsData.Restore, "HarmonySnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = ConfigurationSet, HelpUri = HelpLinks.Base + "restore-harmonysnapshot")]
[OutputType(typeof(SnapshotMetadata))]
public sealed class RestoreHarmonySnapshotCommand : SnapshotCmdlet
{
    /// <summary>The snapshot to restore; the newest when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SnapshotIdCompleter))]
    public string? Id { get; set; }

    protected override void ProcessRecord() => ForEachSnapshotSource(source =>
    {
        var database = source.DatabasePath;
        if (SessionNodes.ActiveOn(database) is { } node) throw new DatabaseInUseByNodeException(node, "restore a snapshot into");
        if (!ShouldProcess(database, $"Replace the database with snapshot {Id ?? "(the newest)"}")) return;
        WriteObject(WithSnapshots(source, $"Restoring a snapshot into {database}", (snapshots, cancellationToken) => snapshots.RestoreAsync(Id, cancellationToken)));
    });
}
