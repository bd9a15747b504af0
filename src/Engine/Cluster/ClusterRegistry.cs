using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Cluster;

/// <summary>
/// Keeps this node's entry in the cluster bucket: written when the node's progress changes (checked every quarter
/// second) and at least every <see cref="ClusterBucket.HeartbeatInterval"/>. A failed write is logged and tried again:
/// the entry is for others to look at, never a reason for the node to stop.
/// </summary>
internal sealed class ClusterRegistry
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly ClusterBucket _bucket;
    private readonly Func<CancellationToken, Task<NodeEntry>> _readEntry;
    private readonly Func<long> _progress;
    private readonly ILogger _logger;
    private bool _failing;

    /// <param name="readEntry">Reads the node's entry as it is now.</param>
    /// <param name="progress">A cheap number that changes whenever the node publishes or applies something.</param>
    public ClusterRegistry(ClusterBucket bucket, Func<CancellationToken, Task<NodeEntry>> readEntry, Func<long> progress, ILogger logger)
    {
        _bucket = bucket;
        _readEntry = readEntry;
        _progress = progress;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        long? written = null;
        var writtenAt = DateTime.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            var progress = _progress();
            if (progress != written || DateTime.UtcNow - writtenAt >= ClusterBucket.HeartbeatInterval)
            {
                if (await TryWriteAsync(cancellationToken).ConfigureAwait(false))
                {
                    written = progress;
                    writtenAt = DateTime.UtcNow;
                }
            }
            await Task.Delay(CheckInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the entry once more (the final state, on stop); false when that failed.</summary>
    public async Task<bool> TryWriteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _bucket.WriteAsync(await _readEntry(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (_failing) _logger.LogInformation("Writing this node's entry in {Bucket} works again", _bucket.Name);
            _failing = false;
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
                _logger.LogWarning("Writing this node's entry in {Bucket} failed (other nodes see it as stale until it works): {Error}",
                    _bucket.Name, ex.Message);
            _failing = true;
            return false;
        }
    }
}
