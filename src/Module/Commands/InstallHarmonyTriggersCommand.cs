using System.Management.Automation;
using HarmonyLite.Engine.Capture;
using HarmonyLite.PowerShell.Capture;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Install-HarmonyTriggers: installs (or brings up to date) change capture in a database, as a node does when it
/// starts. One object per table says what was done; a table that cannot be replicated is also a non-terminating error.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "HarmonyTriggers", SupportsShouldProcess = true, DefaultParameterSetName = ConfigurationSet)]
[OutputType(typeof(TableCaptureReport))]
public sealed class InstallHarmonyTriggersCommand : DatabaseCmdlet
{
    /// <summary>The node id the triggers write into every change (with -DatabasePath; a configuration file gives its own).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatabaseSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long NodeId { get; set; }

    protected override void ProcessRecord() => ProcessInput(InputTarget, () =>
    {
        var (database, configuredNodeId) = ResolveDatabase();
        var nodeId = ParameterSetName == DatabaseSet ? NodeId : configuredNodeId;
        if (!ShouldProcess(database, $"Install HarmonyLite change capture for node {nodeId}")) return;
        var report = RunEngine(async cancellationToken =>
        {
            await using var installer = await CaptureInstaller.OpenAsync(database, nodeId, null, cancellationToken).ConfigureAwait(false);
            return await installer.InstallAsync(cancellationToken).ConfigureAwait(false);
        });
        foreach (var table in report.Tables)
        {
            foreach (var warning in table.Warnings) WriteWarning($"{database}: table '{table.Table}': {warning.Message}");
            WriteObject(CmdletOutput.WithDatabase(table, database));
            if (table.Refusal is { } refusal)
            {
                WriteError(ErrorRecordFactory.Create(new TableRefusedException(database, table.Table, refusal), table.Table));
            }
        }
    });
}
