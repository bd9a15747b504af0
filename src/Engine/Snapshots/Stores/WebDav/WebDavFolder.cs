using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace HarmonyLite.Engine.Snapshots.Stores.WebDav;

/// <summary>
/// A WebDAV collection over plain HTTP (RFC 4918: PROPFIND, MKCOL, PUT, MOVE, DELETE). A file is uploaded under a
/// temporary name into the sub-collection <c>.partial</c> and moved into place, so it appears whole; kept out of the
/// folder itself, a file still being written never spoils its listing (some servers, rclone's among them, break a
/// PROPFIND off when they meet one). Basic and Digest logins are answered by
/// the HTTP handler; after the first exchange the login is sent up front, so a streamed upload is never asked to
/// start again.
/// </summary>
internal sealed class WebDavFolder : IRemoteFolder
{
    private const string Key = "snapshot.webdav.url";

    /// <summary>For requests that carry no snapshot; transfers run as long as they make progress.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private static readonly HttpMethod PropFind = new("PROPFIND");
    private static readonly HttpMethod MakeCollection = new("MKCOL");
    private static readonly HttpMethod Move = new("MOVE");
    private static readonly XNamespace Dav = "DAV:";

    /// <summary>The sub-collection of files being uploaded: every name with <see cref="TemporaryMark"/> lives there.</summary>
    private const string PartialFolder = ".partial";
    private const string TemporaryMark = ".partial-";

    private readonly HttpClient _http;
    private readonly WebDavSettings _settings;

    private WebDavFolder(HttpClient http, WebDavSettings settings)
    {
        _http = http;
        _settings = settings;
    }

    public string Description => _settings.Description;

    /// <summary>Checks the login and creates the folder when missing, as the Go version does before each upload.</summary>
    /// <exception cref="SnapshotStoreUnavailableException">The server cannot be reached, refuses the login, or the folder cannot be made.</exception>
    public static async Task<WebDavFolder> OpenAsync(WebDavSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            Credentials = settings.Login.Length == 0 ? null : new NetworkCredential(settings.Login, settings.Secret),
            PreAuthenticate = true,
        };
        var folder = new WebDavFolder(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, settings);
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

    /// <summary>The folder's files, and the temporary ones of uploads (under their own names, see <see cref="TemporaryMark"/>).</summary>
    public async Task<IReadOnlyList<RemoteFile>> ListAsync(CancellationToken cancellationToken)
    {
        var files = await ListAsync(_settings.FolderUrl, cancellationToken).ConfigureAwait(false) ?? [];
        var partial = await ListAsync(PartialFolderUrl, cancellationToken).ConfigureAwait(false) ?? [];
        return [.. files, .. partial.Where(f => f.Name.Contains(TemporaryMark, StringComparison.Ordinal))];
    }

    /// <summary>The files of one collection; null when it does not exist.</summary>
    private async Task<List<RemoteFile>?> ListAsync(Uri folder, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(PropFindRequest(folder, depth: 1), "list the folder", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && folder != _settings.FolderUrl) return null;
        if (response.StatusCode != HttpStatusCode.MultiStatus) throw Failure(response, "list the folder");
        var files = new List<RemoteFile>();
        foreach (var entry in await ReadMultiStatusAsync(response, cancellationToken).ConfigureAwait(false))
        {
            var path = new Uri(folder, entry.Href).AbsolutePath;
            if (entry.IsCollection || !path.StartsWith(folder.AbsolutePath, StringComparison.Ordinal)) continue;
            var name = Uri.UnescapeDataString(path[folder.AbsolutePath.Length..]);
            if (name.Length > 0 && !name.Contains('/', StringComparison.Ordinal)) files.Add(new RemoteFile(name, entry.Length));
        }
        return files;
    }

    public async Task UploadAsync(string name, Stream content, long? size, CancellationToken cancellationToken)
    {
        await EnsureFolderAsync(cancellationToken).ConfigureAwait(false);
        using (var response = await SendAsync(new HttpRequestMessage(MakeCollection, PartialFolderUrl), "create the folder for uploads", cancellationToken).ConfigureAwait(false))
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.MethodNotAllowed) throw Failure(response, $"create the folder {PartialFolderUrl.AbsolutePath}");
        var temporary = FileUrl($"{name}{TemporaryMark}{Guid.NewGuid():N}");
        try
        {
            var body = new StreamContent(content, 1 << 20);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (size is { } length) body.Headers.ContentLength = length;
            var put = new HttpRequestMessage(HttpMethod.Put, temporary) { Content = body };
            put.Headers.ExpectContinue = true;
            using (var response = await SendAsync(put, $"upload {name}", cancellationToken, transfer: true).ConfigureAwait(false))
                if (!response.IsSuccessStatusCode) throw Failure(response, $"upload {name}");

            var move = new HttpRequestMessage(Move, temporary);
            move.Headers.Add("Destination", FileUrl(name).AbsoluteUri);
            move.Headers.Add("Overwrite", "T");
            using (var response = await SendAsync(move, $"move {name} into place", cancellationToken).ConfigureAwait(false))
                if (!response.IsSuccessStatusCode) throw Failure(response, $"move {name} into place");
        }
        catch
        {
            await TryDeleteAsync(temporary).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<bool> DownloadAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, FileUrl(name)), $"download {name}", cancellationToken, transfer: true).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (response.StatusCode != HttpStatusCode.OK) throw Failure(response, $"download {name}");
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await body.CopyToAsync(destination, 1 << 20, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new SnapshotStoreUnavailableException($"Downloading {name} from the {Description} broke off: {ex.Message}", ex);
        }
        return true;
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, FileUrl(name)), $"delete {name}", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound) throw Failure(response, $"delete {name}");
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private Uri PartialFolderUrl => new(_settings.FolderUrl, PartialFolder + "/");

    private Uri FileUrl(string name) =>
        new(name.Contains(TemporaryMark, StringComparison.Ordinal) ? PartialFolderUrl : _settings.FolderUrl, Uri.EscapeDataString(name));

    /// <summary>Creates each missing collection from the root down, then checks that the folder is one.</summary>
    private async Task EnsureFolderAsync(CancellationToken cancellationToken)
    {
        if (await IsCollectionAsync(_settings.FolderUrl, cancellationToken).ConfigureAwait(false)) return;
        var url = _settings.Root;
        foreach (var segment in _settings.Folder)
        {
            url = new Uri(url, Uri.EscapeDataString(segment) + "/");
            using var response = await SendAsync(new HttpRequestMessage(MakeCollection, url), "create the folder", cancellationToken).ConfigureAwait(false);
            // 405: it exists already (whether it is a collection is checked below).
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.MethodNotAllowed) throw Failure(response, $"create the folder {url.AbsolutePath}");
        }
        if (!await IsCollectionAsync(_settings.FolderUrl, cancellationToken).ConfigureAwait(false))
            throw new SnapshotStoreUnavailableException($"The {Description} could not be created: something that is not a folder is in the way. Check {Key} (the server URL and its dir parameter).");
    }

    private async Task<bool> IsCollectionAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(PropFindRequest(url, depth: 0), "look up the folder", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict) return false;
        if (response.StatusCode != HttpStatusCode.MultiStatus) throw Failure(response, "look up the folder");
        return (await ReadMultiStatusAsync(response, cancellationToken).ConfigureAwait(false)).FirstOrDefault()?.IsCollection == true;
    }

    private static HttpRequestMessage PropFindRequest(Uri url, int depth)
    {
        var request = new HttpRequestMessage(PropFind, url)
        {
            Content = new StringContent("""<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><resourcetype/><getcontentlength/></prop></propfind>""",
                Encoding.UTF8, "application/xml"),
        };
        request.Headers.Add("Depth", depth.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private async Task<IReadOnlyList<DavEntry>> ReadMultiStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        XDocument document;
        try
        {
            // The root element only: a server that fails part-way through may append an error after it.
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = System.Xml.XmlReader.Create(body, new System.Xml.XmlReaderSettings { Async = true, DtdProcessing = System.Xml.DtdProcessing.Prohibit });
            await reader.MoveToContentAsync().ConfigureAwait(false);
            using var root = reader.ReadSubtree();
            document = await XDocument.LoadAsync(root, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Xml.XmlException ex)
        {
            throw new SnapshotStoreUnavailableException($"The {Description} answered PROPFIND with something that is not WebDAV XML ({ex.Message}). Check that {Key} points at a WebDAV folder.", ex);
        }
        return document.Descendants(Dav + "response").Select(r =>
        {
            var properties = r.Elements(Dav + "propstat").Where(p => ((string?)p.Element(Dav + "status"))?.Contains(" 200 ", StringComparison.Ordinal) != false)
                .SelectMany(p => p.Elements(Dav + "prop")).ToList();
            var isCollection = properties.Any(p => p.Element(Dav + "resourcetype")?.Element(Dav + "collection") is not null);
            var length = properties.Select(p => (string?)p.Element(Dav + "getcontentlength")).FirstOrDefault(l => l is not null);
            return new DavEntry((string?)r.Element(Dav + "href") ?? "", isCollection, long.TryParse(length, out var n) ? n : 0);
        }).ToList();
    }

    /// <param name="transfer">The request moves a snapshot: no deadline, and the response body is read by the caller.</param>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken, bool transfer = false)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!transfer) deadline.CancelAfter(RequestTimeout);
        try
        {
            using (request)
                return await _http.SendAsync(request, transfer ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = ex is OperationCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
            throw new SnapshotStoreUnavailableException($"Cannot reach the {Description} to {what}: {reason}. Check {Key}.", ex);
        }
    }

    private async Task TryDeleteAsync(Uri url)
    {
        try
        {
            using var deadline = new CancellationTokenSource(RequestTimeout);
            using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, url), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException) { }
    }

    /// <summary>What the server's answer means, in the words of <c>snapshot.webdav.url</c>; never the secret.</summary>
    private SnapshotStoreUnavailableException Failure(HttpResponseMessage response, string what)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized when _settings.Login.Length == 0 =>
                $"The {Description} asks for a login ({status}) to {what}: add the login and secret parameters to {Key}.",
            HttpStatusCode.Unauthorized =>
                $"The {Description} refused the login '{_settings.Login}' ({status}) to {what}: check the login and secret parameters of {Key}.",
            HttpStatusCode.Forbidden =>
                $"The {Description} does not let {(_settings.Login.Length == 0 ? "anonymous users" : $"'{_settings.Login}'")} {what} ({status}): check the account's rights on the folder, or the dir parameter of {Key}.",
            HttpStatusCode.NotFound or HttpStatusCode.Conflict =>
                $"The {Description} does not exist ({status}) when asked to {what}: check {Key} (the server URL and its dir parameter).",
            HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented =>
                $"The server at {_settings.Root} does not speak WebDAV ({status} to {what}): check that {Key} points at a WebDAV share.",
            HttpStatusCode.InsufficientStorage or HttpStatusCode.RequestEntityTooLarge =>
                $"The {Description} has no room to {what} ({status}): free space on the server or lower snapshot.keep.",
            _ => $"The {Description} answered {status} when asked to {what}.",
        };
        return new SnapshotStoreUnavailableException(message);
    }

    private sealed record DavEntry(string Href, bool IsCollection, long Length);
}
