using System.Management.Automation;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Save-HarmonySnapshot: saves a verified snapshot of the node's database to the configured store now. What a
/// scheduled task runs: any failure is a terminating error, so the task fails.
/// </summary>
[Cmdlet(VerbsData.Save, "HarmonySnapshot")]
[OutputType(typeof(SnapshotMetadata))]
public sealed class SaveHarmonySnapshotCommand : SnapshotCmdlet
{
    protected override void ProcessRecord() => ProcessInputOrTerminate(ConfigPath, () =>
        WriteObject(WithSnapshots(LoadConfiguration(ConfigPath), (snapshots, cancellationToken) => snapshots.SaveAsync(cancellationToken))));
}
