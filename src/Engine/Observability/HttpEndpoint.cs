using System.Globalization;
using System.Net;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// A small HTTP server on one address (<see cref="HttpListener"/>, no web framework): it hands every request to one
/// handler and stops with the node. The health endpoint and the metrics endpoint each run one.
/// </summary>
internal sealed class HttpEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, CancellationToken, Task> _handle;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;

    private HttpEndpoint(HostPort bind, string key, Func<HttpListenerContext, CancellationToken, Task> handle,
        ILogger logger)
    {
        _handle = handle;
        _logger = logger;
        // "+" is every interface to HttpListener; an empty host or 0.0.0.0 means that in the configuration.
        var host = bind.IsAllInterfaces ? "+" : bind.HostForUrl;
        _listener.Prefixes.Add($"http://{host}:{bind.Port.ToString(CultureInfo.InvariantCulture)}/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            _listener.Close();
            throw new HarmonyNodeException($"Cannot listen on {key} = \"{bind}\": {ex.Message}. Another program (or another "
                + $"node) may be listening there: choose a free address in {key}, or stop what listens on it.", ex);
        }
        var reachable = bind.IsAllInterfaces ? "127.0.0.1" : bind.HostForUrl;
        Url = $"http://{reachable}:{bind.Port.ToString(CultureInfo.InvariantCulture)}";
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The address a client on this machine reaches the endpoint at.</summary>
    public string Url { get; }

    /// <summary>Listens on <paramref name="bind"/> at once; a failure names <paramref name="key"/>, the setting to change.</summary>
    public static HttpEndpoint Start(HostPort bind, string key, Func<HttpListenerContext, CancellationToken, Task> handle,
        ILogger logger) => new(bind, key, handle, logger);

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsClosed(ex))
            {
                return; // closed by DisposeAsync
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await _handle(context, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A client that went away, or a failure to read what to answer: 500 if still possible, and serve on.
            _logger.LogDebug("Answering {Method} {Path} failed: {Error}", context.Request.HttpMethod,
                context.Request.Url?.AbsolutePath, ex.Message);
            try { context.Response.StatusCode = (int)HttpStatusCode.InternalServerError; }
            catch (Exception closed) when (IsClosed(closed)) { }
        }
        finally
        {
            try { context.Response.Close(); }
            catch (Exception closed) when (IsClosed(closed)) { }
        }
    }

    // What HttpListener throws once the listener or the response is closed.
    private static bool IsClosed(Exception ex) => ex is HttpListenerException or ObjectDisposedException or InvalidOperationException;

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Close();
        await _serving.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
