using System.Management.Automation;
using HarmonyLite.Engine.Capture;
using HarmonyLite.PowerShell.Capture;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Uninstall-HarmonyTriggers: removes every HarmonyLite object (everything named <c>__harmonylite__*</c>) from a
/// database. User tables and their rows stay as they are; changes not yet published are lost.
/// </summary>
[Cmdlet(VerbsLifecycle.Uninstall, "HarmonyTriggers", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = ConfigurationSet, HelpUri = HelpLinks.Base + "uninstall-harmonytriggers")]
[OutputType(typeof(CaptureRemoval))]
public sealed class UninstallHarmonyTriggersCommand : DatabaseCmdlet
{
    protected override void ProcessRecord() => ForEachDatabase(input =>
    {
        var database = input.DatabasePath;
        if (SessionNodes.ActiveOn(database) is { } node) throw new DatabaseInUseByNodeException(node, "remove change capture from");
        if (!ShouldProcess(database, "Remove HarmonyLite change capture (triggers, change log, version tables; unpublished changes are lost)")) return;
        var removed = RunEngine(async cancellationToken =>
        {
            // Removal does not write versions, so the node id the installer is opened with does not matter.
            await using var installer = await CaptureInstaller.OpenAsync(database, 0, null, cancellationToken).ConfigureAwait(false);
            return await installer.RemoveAsync(cancellationToken).ConfigureAwait(false);
        });
        WriteObject(new CaptureRemoval(database, removed));
    });
}
