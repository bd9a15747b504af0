using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.PowerShell.Isolated.Logging;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>A cmdlet that works on the snapshot store a node configuration names.</summary>
public abstract class SnapshotCmdlet : HarmonyCmdlet
{
    /// <summary>A node configuration file; its <c>[snapshot]</c> settings name the store and its <c>db_path</c> the database.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = "";

    /// <summary>Opens the configured snapshot store, runs <paramref name="work"/> on it and closes it, logging to this cmdlet's streams.</summary>
    private protected T WithSnapshots<T>(HarmonyConfig config, Func<SnapshotService, CancellationToken, Task<T>> work)
    {
        var log = EngineLog.For(config);
        return RunEngine(async cancellationToken =>
        {
            await using var snapshots = await EngineEntryPoints.OpenSnapshotServiceAsync(config, log, cancellationToken).ConfigureAwait(false);
            return await work(snapshots, cancellationToken).ConfigureAwait(false);
        }, log);
    }
}
