using System.Management.Automation;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Save-HarmonySnapshot: saves a verified snapshot of the node's database to the configured store now. What a
/// scheduled task runs: any failure is a terminating error, so the task fails.
/// </summary>
[Cmdlet(VerbsData.Save, "HarmonySnapshot", DefaultParameterSetName = ConfigurationSet, HelpUri = HelpLinks.Base + "save-harmonysnapshot")]
[OutputType(typeof(SnapshotMetadata))]
public sealed class SaveHarmonySnapshotCommand : SnapshotCmdlet
{
    private protected override bool FailuresTerminate => true;

    protected override void ProcessRecord() => ForEachSnapshotSource(source =>
        WriteObject(WithSnapshots(source, $"Saving a snapshot of {source.DatabasePath}", (snapshots, cancellationToken) => snapshots.SaveAsync(cancellationToken))));
}
