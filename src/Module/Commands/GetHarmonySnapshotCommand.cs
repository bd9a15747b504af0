using System.Management.Automation;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Get-HarmonySnapshot: the snapshots in the configured store, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "HarmonySnapshot", DefaultParameterSetName = ConfigurationSet, HelpUri = HelpLinks.Base + "get-harmonysnapshot")]
[OutputType(typeof(SnapshotMetadata))]
public sealed class GetHarmonySnapshotCommand : SnapshotCmdlet
{
    protected override void ProcessRecord() => ForEachSnapshotSource(source =>
        WriteObject(WithSnapshots(source, $"Listing the snapshots of {source.DatabasePath}", (snapshots, cancellationToken) => snapshots.ListAsync(cancellationToken)),
            enumerateCollection: true));
}
