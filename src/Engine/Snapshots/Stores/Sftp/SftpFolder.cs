using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HarmonyLite.Engine.Snapshots.Stores.Sftp;

/// <summary>
/// A directory on an SSH server, through SSH.NET's SFTP client. A file is written under a temporary name in the
/// folder and renamed into place, so it appears whole. The connection is kept open (with keep-alives) and opened
/// again when the server dropped it.
/// </summary>
internal sealed class SftpFolder : IRemoteFolder
{
    private const string Key = "snapshot.sftp.url";

    private readonly SftpClient _client;
    private readonly SftpSettings _settings;
    private readonly IReadOnlyList<PrivateKeyFile> _keys;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private string? _presentedHostKey;

    private SftpFolder(SftpClient client, SftpSettings settings, IReadOnlyList<PrivateKeyFile> keys)
    {
        _client = client;
        _settings = settings;
        _keys = keys;
    }

    public string Description => _settings.Description;

    /// <summary>Logs in and creates the folder when missing, as the Go version does before each upload.</summary>
    /// <exception cref="SnapshotStoreUnavailableException">The server cannot be reached, refuses the login or the host key does not match, or the folder cannot be made.</exception>
    public static async Task<SftpFolder> OpenAsync(SftpSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var keys = LoadKeys(settings, logger);
        var methods = new List<AuthenticationMethod>();
        if (settings.Password.Length > 0) methods.Add(new PasswordAuthenticationMethod(settings.User, settings.Password));
        if (keys.Count > 0) methods.Add(new PrivateKeyAuthenticationMethod(settings.User, [.. keys]));
        if (methods.Count == 0)
            throw new SnapshotStoreUnavailableException($"No way to log in to the {settings.Description}: {Key} has no password and no key parameter, and there is no ~/.ssh/id_ed25519, id_ecdsa or id_rsa. Add ?key=/path/to/private-key (or a password) to {Key}.");

        var client = new SftpClient(new ConnectionInfo(settings.Host, settings.Port, settings.User, [.. methods]) { Timeout = TimeSpan.FromSeconds(30) })
        {
            KeepAliveInterval = TimeSpan.FromSeconds(30),
            OperationTimeout = TimeSpan.FromSeconds(60),
        };
        var folder = new SftpFolder(client, settings, keys);
        client.HostKeyReceived += (_, e) =>
        {
            var first = folder._presentedHostKey is null;
            folder._presentedHostKey = e.FingerPrintSHA256;
            e.CanTrust = settings.Fingerprint is null || string.Equals(e.FingerPrintSHA256, settings.Fingerprint, StringComparison.Ordinal);
            if (settings.Fingerprint is null && first)
                logger.LogInformation("Accepted host key SHA256:{Fingerprint} ({Type}) of {Server} for snapshots; to refuse any other, add fingerprint=SHA256:{Fingerprint} to {Key}.",
                    e.FingerPrintSHA256, e.HostKeyName, $"{settings.Host}:{settings.Port}", e.FingerPrintSHA256, Key);
        };
        try
        {
            await folder.EnsureFolderAsync(cancellationToken).ConfigureAwait(false);
            return folder;
        }
        catch
        {
            await folder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<IReadOnlyList<RemoteFile>> ListAsync(CancellationToken cancellationToken) => RunAsync("list the folder", async () =>
    {
        var files = new List<RemoteFile>();
        await foreach (var entry in _client.ListDirectoryAsync(_settings.Folder.Length == 0 ? "." : _settings.Folder, cancellationToken).ConfigureAwait(false))
            if (entry.IsRegularFile) files.Add(new RemoteFile(entry.Name, entry.Length));
        return (IReadOnlyList<RemoteFile>)files;
    }, cancellationToken);

    public async Task UploadAsync(string name, Stream content, long? size, CancellationToken cancellationToken)
    {
        await EnsureFolderAsync(cancellationToken).ConfigureAwait(false);
        var temporary = PathOf($"{name}.partial-{Guid.NewGuid():N}");
        try
        {
            await RunAsync($"upload {name}", async () =>
            {
                await _client.UploadFileAsync(content, temporary, cancellationToken).ConfigureAwait(false);
                await RenameAsync(temporary, PathOf(name), cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try { if (_client.IsConnected) await _client.DeleteFileAsync(temporary, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException) { }
            throw;
        }
    }

    public async Task<bool> DownloadAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync($"download {name}", async () =>
            {
                await _client.DownloadFileAsync(PathOf(name), destination, cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotStoreUnavailableException ex) when (ex.InnerException is SftpPathNotFoundException)
        {
            return false;
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync($"delete {name}", async () =>
            {
                await _client.DeleteFileAsync(PathOf(name), cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotStoreUnavailableException ex) when (ex.InnerException is SftpPathNotFoundException)
        {
            // Already gone: deleting is idempotent.
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_client.IsConnected) _client.Disconnect();
        _client.Dispose();
        foreach (var key in _keys) key.Dispose();
        _connecting.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// OpenSSH's posix-rename replaces a file that is already there in one step; plain SFTP rename refuses to, so it
    /// serves only servers without the extension (the names this store writes are new anyway).
    /// </summary>
    private async Task RenameAsync(string from, string to, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Run(() => _client.RenameFile(from, to, isPosix: true), cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            await _client.RenameFileAsync(from, to, cancellationToken).ConfigureAwait(false);
        }
    }

    private string PathOf(string name) => _settings.Folder.Length == 0 ? name : _settings.Folder.TrimEnd('/') + "/" + name;

    /// <summary>Creates each missing directory of the folder from the top down.</summary>
    private Task EnsureFolderAsync(CancellationToken cancellationToken) => RunAsync("create the folder", async () =>
    {
        if (_settings.Folder.Length == 0) return true;
        var path = "";
        foreach (var segment in _settings.Folder.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path = (path.Length == 0 && !_settings.Folder.StartsWith('/') ? "" : path + "/") + segment;
            Renci.SshNet.Sftp.SftpFileAttributes attributes;
            try
            {
                attributes = await _client.GetAttributesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (SftpPathNotFoundException)
            {
                await CreateDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (!attributes.IsDirectory)
                throw new SnapshotStoreUnavailableException($"The {Description} cannot be created: {path} is a file, not a folder. Check the path of {Key}.");
        }
        return true;
    }, cancellationToken);

    /// <summary>
    /// Creates one directory. Nodes starting together create the same folder at once, and the server answers the one
    /// that comes second with a bare "Failure": a directory that is there after all is what was asked for.
    /// </summary>
    private async Task CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CreateDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (SshException)
        {
            if (!await IsDirectoryAsync(path, cancellationToken).ConfigureAwait(false)) throw;
        }
    }

    private async Task<bool> IsDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.GetAttributesAsync(path, cancellationToken).ConfigureAwait(false)).IsDirectory;
        }
        catch (SftpPathNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Runs an SFTP call, connecting first when needed, and says what a failure means in the words of <c>snapshot.sftp.url</c>.</summary>
    private async Task<T> RunAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectIfNeededAsync(cancellationToken).ConfigureAwait(false);
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SshException or SocketException or IOException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Failure(what, ex);
        }
    }

    private async Task ConnectIfNeededAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected) return;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_client.IsConnected) await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connecting.Release();
        }
    }

    private SnapshotStoreUnavailableException Failure(string what, Exception ex)
    {
        var server = $"{_settings.Host}:{_settings.Port}";
        var message = ex switch
        {
            SshConnectionException when _settings.Fingerprint is not null && _presentedHostKey is not null && _presentedHostKey != _settings.Fingerprint =>
                $"The SFTP server {server} presented host key SHA256:{_presentedHostKey}, not SHA256:{_settings.Fingerprint} as the fingerprint parameter of {Key} says: refused. If the server's key was changed on purpose, put the new fingerprint in {Key}.",
            SshAuthenticationException =>
                $"The SFTP server {server} refused the login of '{_settings.User}' ({ex.Message.TrimEnd('.')}), offered {Offered()}: check the user, password and key parameter of {Key}, and that the key is in the user's authorized_keys.",
            SftpPermissionDeniedException =>
                $"The {Description} does not let '{_settings.User}' {what} (permission denied): check the account's rights on the folder, or the path of {Key}.",
            SftpPathNotFoundException =>
                $"The {Description} does not exist or has gone (asked to {what}): check the path of {Key}.",
            SocketException or SshConnectionException or SshOperationTimeoutException or TimeoutException or OperationCanceledException or ProxyException =>
                $"Cannot reach the SFTP server {server} to {what}: {ex.Message.TrimEnd('.')}. Check the host and port of {Key}.",
            _ => $"The {Description} failed to {what}: {ex.Message.TrimEnd('.')}.",
        };
        return new SnapshotStoreUnavailableException(message, ex);
    }

    private string Offered()
    {
        var offered = new List<string>();
        if (_settings.Password.Length > 0) offered.Add("the password");
        offered.AddRange(_settings.KeyFiles().Select(f => $"key {f}"));
        return string.Join(" and ", offered);
    }

    /// <exception cref="SnapshotStoreUnavailableException">The key parameter names a file that cannot be used.</exception>
    private static List<PrivateKeyFile> LoadKeys(SftpSettings settings, ILogger logger)
    {
        var keys = new List<PrivateKeyFile>();
        foreach (var file in settings.KeyFiles())
        {
            try
            {
                keys.Add(new PrivateKeyFile(file));
            }
            catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                if (settings.KeyFile is not null)
                    throw new SnapshotStoreUnavailableException($"The private key {file} (key parameter of {Key}) cannot be used: {ex.Message.TrimEnd('.')}. Give an unencrypted OpenSSH or PEM private key file this process can read.", ex);
                logger.LogDebug("Passed over {KeyFile} for SFTP snapshots: {Error}", file, ex.Message);
            }
        }
        return keys;
    }
}
