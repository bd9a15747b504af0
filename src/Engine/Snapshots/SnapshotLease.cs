using System.Globalization;
using System.Text;
using HarmonyLite.Engine.Messaging;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// The right to save snapshots, held by one node at a time: key <see cref="Key"/> of a Key-Value bucket whose entries
/// expire after the lease's time to live. Taken with create-if-absent, renewed every third of the TTL with
/// update-if-revision-matches, deleted on release. A renewal that finds another revision (the key was deleted or taken
/// by another node), or that cannot reach the server before the TTL runs out, ends the lease: <see cref="IsHeld"/>
/// turns false, <see cref="HeldToken"/> is cancelled and <see cref="Lost"/> is raised, so the holder stops saving.
/// </summary>
public sealed class SnapshotLease : IAsyncDisposable
{
    public const string Key = "snapshot";

    private readonly KeyValueBucket _bucket;
    private readonly TimeSpan _releaseTimeout;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private Holding? _holding;
    private bool _disposed;

    private SnapshotLease(KeyValueBucket bucket, TimeSpan releaseTimeout, long nodeId, TimeSpan ttl, ILogger logger, TimeProvider clock)
    {
        _bucket = bucket;
        _releaseTimeout = releaseTimeout;
        NodeId = nodeId;
        Ttl = ttl;
        _logger = logger;
        _clock = clock;
    }

    /// <summary>The lease bucket of a cluster: one per stream prefix, as the streams are.</summary>
    public static string BucketName(string streamPrefix) => $"{streamPrefix}-leases";

    public long NodeId { get; }

    public TimeSpan Ttl { get; }

    public string Bucket => _bucket.Name;

    /// <summary>Raised (on a background task) when a held lease ends without <see cref="ReleaseAsync"/>.</summary>
    public event EventHandler<SnapshotLeaseLostEventArgs>? Lost;

    /// <summary>
    /// Held and renewed within the TTL. A holder paused longer than the TTL (its renewals could not run) no longer
    /// counts as holding, even before its next renewal notices that another node took over.
    /// </summary>
    public bool IsHeld
    {
        get
        {
            lock (_gate) return _holding is { } h && _clock.GetUtcNow() - h.LastRenewed < Ttl;
        }
    }

    /// <summary>Cancelled when the current holding ends (lost or released); already cancelled when not held.</summary>
    public CancellationToken HeldToken
    {
        get
        {
            lock (_gate) return _holding?.Ended.Token ?? new CancellationToken(canceled: true);
        }
    }

    /// <summary>Opens (creating when missing) the lease bucket with entries that expire after <paramref name="ttl"/>.</summary>
    public static async Task<SnapshotLease> OpenAsync(MessagingConnection connection, string bucket, long nodeId, TimeSpan ttl, int replicas, ILogger logger,
        TimeProvider? clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (ttl < TimeSpan.FromMilliseconds(300)) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "The snapshot lease lives at least 300 ms (snapshot.leader_ttl).");
        var store = await connection.OpenKeyValueBucketAsync(new KeyValueBucketSettings(bucket, "HarmonyLite snapshot lease", replicas, "replication_log.replicas", ttl),
            logger, cancellationToken).ConfigureAwait(false);
        return new SnapshotLease(store, connection.RequestTimeout, nodeId, ttl, logger, clock ?? TimeProvider.System);
    }

    /// <summary>Takes the lease if nobody holds it; true when this node holds it afterwards.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_holding is not null) return IsHeld;
        }
        var acquiredAt = _clock.GetUtcNow();
        if (await _bucket.TryCreateAsync(Key, Value(), cancellationToken).ConfigureAwait(false) is not { } revision) return false;
        var holding = new Holding(revision, acquiredAt);
        lock (_gate)
        {
            if (_disposed)
            {
                holding.Ended.Cancel();
                return false;
            }
            _holding = holding;
        }
        holding.Renewal = Task.Run(() => RenewAsync(holding), CancellationToken.None);
        _logger.LogInformation("Node {NodeId} holds the snapshot lease ({Bucket}/{Key}, revision {Revision}); it saves the snapshots.", NodeId, Bucket, Key, revision);
        return true;
    }

    /// <summary>The node holding the lease now, or null when nobody does.</summary>
    public async Task<long?> GetHolderAsync(CancellationToken cancellationToken)
    {
        var entry = await _bucket.GetAsync(Key, cancellationToken).ConfigureAwait(false);
        return entry is not null && long.TryParse(Encoding.UTF8.GetString(entry.Value.Span), NumberStyles.Integer, CultureInfo.InvariantCulture, out var node) ? node : null;
    }

    /// <summary>Gives the lease up (deletes the key if this node still holds it), so another node can take it at once.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        Holding? holding;
        lock (_gate)
        {
            holding = _holding;
            _holding = null;
        }
        if (holding is null) return;
        await holding.Ended.CancelAsync().ConfigureAwait(false);
        if (holding.Renewal is { } renewal) await renewal.ConfigureAwait(false);
        // Another node may have taken it meanwhile: then there is nothing of ours to give up.
        if (await _bucket.TryDeleteAsync(Key, holding.Revision, cancellationToken).ConfigureAwait(false))
            _logger.LogInformation("Node {NodeId} released the snapshot lease.", NodeId);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        using var timeout = new CancellationTokenSource(_releaseTimeout);
        try
        {
            await ReleaseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MessagingException or OperationCanceledException)
        {
            _logger.LogWarning("Could not release the snapshot lease ({Error}); it expires by itself within {Ttl}.", ex.Message, Ttl);
        }
    }

    private async Task RenewAsync(Holding holding)
    {
        var every = Ttl / 3;
        var token = holding.Ended.Token;
        try
        {
            while (true)
            {
                await Task.Delay(every, _clock, token).ConfigureAwait(false);
                var attemptAt = _clock.GetUtcNow();
                try
                {
                    if (await _bucket.TryUpdateAsync(Key, Value(), holding.Revision, token).ConfigureAwait(false) is not { } renewed)
                    {
                        var holder = await TryGetHolderAsync(token).ConfigureAwait(false);
                        Lose(holding, holder is { } other && other != NodeId ? $"node {other} took it over" : "it was deleted or expired before it was renewed");
                        return;
                    }
                    holding.Revision = renewed;
                    lock (_gate) holding.LastRenewed = attemptAt;
                }
                catch (Exception ex) when (ex is MessagingException or TimeoutException)
                {
                    DateTimeOffset lastRenewed;
                    lock (_gate) lastRenewed = holding.LastRenewed;
                    if (_clock.GetUtcNow() - lastRenewed >= Ttl)
                    {
                        Lose(holding, $"it could not be renewed within its time to live of {Ttl} ({ex.Message})");
                        return;
                    }
                    _logger.LogWarning("Renewing the snapshot lease failed ({Error}); retrying while it is still valid.", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Released.
        }
    }

    private async Task<long?> TryGetHolderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetHolderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MessagingException or TimeoutException)
        {
            return null;
        }
    }

    private void Lose(Holding holding, string reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_holding, holding)) return;
            _holding = null;
        }
        holding.Ended.Cancel();
        _logger.LogWarning("Node {NodeId} lost the snapshot lease: {Reason}. It stops saving snapshots until it holds the lease again.", NodeId, reason);
        Lost?.Invoke(this, new SnapshotLeaseLostEventArgs(reason));
    }

    private byte[] Value() => Encoding.UTF8.GetBytes(NodeId.ToString(CultureInfo.InvariantCulture));

    private sealed class Holding(ulong revision, DateTimeOffset acquiredAt)
    {
        public ulong Revision { get; set; } = revision;
        public DateTimeOffset LastRenewed { get; set; } = acquiredAt;
        /// <summary>Never disposed: tokens handed out (and sources linked to them) stay usable after the holding ended; it owns no timer.</summary>
        public CancellationTokenSource Ended { get; } = new();
        public Task? Renewal { get; set; }
    }
}
