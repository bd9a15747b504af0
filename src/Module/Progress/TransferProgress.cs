using System.Management.Automation;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.PowerShell.Progress;

/// <summary>Snapshot bytes moved so far, reported by the engine on its threads and shown by the cmdlet on its own.</summary>
internal sealed class TransferProgress(Cmdlet cmdlet, string activity) : IProgress<SnapshotTransfer>
{
    private readonly ProgressDisplay _display = new(cmdlet, 1, activity);
    private volatile SnapshotTransfer? _latest;
    private SnapshotTransfer? _shown;

    public void Report(SnapshotTransfer value) => _latest = value;

    /// <summary>Updates the bar with the latest report (call on the pipeline thread).</summary>
    public void Show()
    {
        var latest = _latest;
        if (latest is null || latest == _shown) return;
        _shown = latest;
        var verb = latest.Direction == SnapshotTransferDirection.Upload ? "Uploading" : "Downloading";
        _display.Update($"{verb} snapshot {latest.SnapshotId}: {Bytes(latest.Bytes)} of {Bytes(latest.TotalBytes)}",
            latest.TotalBytes > 0 ? (int)(latest.Bytes * 100 / latest.TotalBytes) : -1);
    }

    public void Complete()
    {
        Show();
        _display.Complete();
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
