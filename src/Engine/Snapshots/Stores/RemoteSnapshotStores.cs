using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots.Stores.S3;
using HarmonyLite.Engine.Snapshots.Stores.Sftp;
using HarmonyLite.Engine.Snapshots.Stores.WebDav;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots.Stores;

/// <summary>Opens the store <c>snapshot.store</c> names when it is one of the remote ones: <c>s3</c>, <c>webdav</c>, <c>sftp</c>.</summary>
internal static class RemoteSnapshotStores
{
    public static bool IsRemote(SnapshotStoreKind kind) => kind is SnapshotStoreKind.S3 or SnapshotStoreKind.WebDav or SnapshotStoreKind.Sftp;

    /// <summary>What is wrong with the settings of the selected remote store, for configuration validation; null when nothing is.</summary>
    public static StoreSettingException? FindProblem(SnapshotConfig snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        try
        {
            _ = Settings(snapshot, Environment.GetEnvironmentVariable);
            return null;
        }
        catch (StoreSettingException problem)
        {
            return problem;
        }
    }

    /// <summary>Connects to the selected remote store and checks that it can be used (see each backend's OpenAsync).</summary>
    /// <exception cref="ConfigurationException">A setting of the store cannot be used.</exception>
    /// <exception cref="SnapshotStoreUnavailableException">The store cannot be reached or refuses this node.</exception>
    public static Task<ISnapshotStore> OpenAsync(SnapshotConfig snapshot, ILogger logger, CancellationToken cancellationToken) =>
        OpenAsync(snapshot, Environment.GetEnvironmentVariable, logger, cancellationToken);

    /// <param name="environment">Reads an environment variable (the S3 store takes credentials from it, as the Go version does).</param>
    public static async Task<ISnapshotStore> OpenAsync(SnapshotConfig snapshot, Func<string, string?> environment, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        object settings;
        try
        {
            settings = Settings(snapshot, environment);
        }
        catch (StoreSettingException problem)
        {
            throw new ConfigurationException("configuration", null, problem.Key, problem.Problem, problem);
        }
        IRemoteFolder folder = settings switch
        {
            S3Settings s3 => await S3Folder.OpenAsync(s3, logger, cancellationToken).ConfigureAwait(false),
            WebDavSettings webDav => await WebDavFolder.OpenAsync(webDav, cancellationToken).ConfigureAwait(false),
            SftpSettings sftp => await SftpFolder.OpenAsync(sftp, logger, cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"No remote store for {settings}."),
        };
        return new RemoteSnapshotStore(folder);
    }

    private static object Settings(SnapshotConfig snapshot, Func<string, string?> environment) => snapshot.Store switch
    {
        SnapshotStoreKind.S3 => S3Settings.From(snapshot.S3, environment),
        SnapshotStoreKind.WebDav => WebDavSettings.From(snapshot.WebDav.Url),
        SnapshotStoreKind.Sftp => SftpSettings.From(snapshot.Sftp.Url),
        _ => throw new ArgumentException($"snapshot.store = {snapshot.Store} is not a remote store.", nameof(snapshot)),
    };
}
