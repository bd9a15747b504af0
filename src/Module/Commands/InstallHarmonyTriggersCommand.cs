using System.Management.Automation;
using HarmonyLite.Engine.Capture;
using HarmonyLite.PowerShell.Capture;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Install-HarmonyTriggers: installs (or brings up to date) change capture in a database, as a node does when it
/// starts. One object per table says what was done; a table that cannot be replicated is also a non-terminating error.
/// With -WhatIf it says which tables would be replicated and which refused, and changes nothing.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "HarmonyTriggers", SupportsShouldProcess = true, DefaultParameterSetName = ConfigurationSet,
    HelpUri = HelpLinks.Base + "install-harmonytriggers")]
[OutputType(typeof(TableCaptureReport))]
public sealed class InstallHarmonyTriggersCommand : DatabaseCmdlet
{
    /// <summary>The node id the triggers write into every change (with a database given directly; a configuration file gives its own).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatabaseSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = LiteralDatabaseSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long NodeId { get; set; }

    protected override void ProcessRecord() => ForEachDatabase(input =>
    {
        var database = input.DatabasePath;
        var nodeId = input.Config is null ? NodeId : input.NodeId;
        var preview = RunEngine(cancellationToken => CapturePreview.ReadAsync(database, cancellationToken));
        if (!ShouldProcess(database, $"Install HarmonyLite change capture for node {nodeId}: {Describe(preview)}")) return;
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

    /// <summary>For the -WhatIf and -Confirm messages: the tables that would be replicated, and those refused with why.</summary>
    internal static string Describe(IReadOnlyList<TableCapturePreview> tables)
    {
        if (tables.Count == 0) return "the database has no tables yet, so nothing would be replicated";
        var replicated = tables.Where(t => t.WouldReplicate).Select(t => t.Table).ToList();
        var refused = tables.Where(t => !t.WouldReplicate).Select(t => $"{t.Table} ({Reason(t.Refusal!.Kind)})").ToList();
        var text = replicated.Count == 0 ? "no table would be replicated" : $"would replicate {string.Join(", ", replicated)}";
        return refused.Count == 0 ? text : $"{text}; would refuse {string.Join(", ", refused)}";
    }

    private static string Reason(CaptureRefusalKind kind) => kind switch
    {
        CaptureRefusalKind.NoPrimaryKey => "no primary key",
        CaptureRefusalKind.UnsupportedKeyCollation => "a key collation only the application knows",
        CaptureRefusalKind.VirtualTable => "a virtual table",
        _ => kind.ToString(),
    };
}
