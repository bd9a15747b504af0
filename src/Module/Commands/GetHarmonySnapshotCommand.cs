using System.Management.Automation;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Get-HarmonySnapshot: the snapshots in the configured store, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "HarmonySnapshot")]
[OutputType(typeof(SnapshotMetadata))]
public sealed class GetHarmonySnapshotCommand : SnapshotCmdlet
{
    protected override void ProcessRecord() => ProcessInput(ConfigPath, () =>
        WriteObject(WithSnapshots(LoadConfiguration(ConfigPath), (snapshots, cancellationToken) => snapshots.ListAsync(cancellationToken)), enumerateCollection: true));
}
