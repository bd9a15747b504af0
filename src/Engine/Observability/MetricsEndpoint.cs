using System.Net;
using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// <c>[prometheus]</c>: serves <c>/metrics</c> on <c>prometheus.bind</c>, the node's <see cref="NodeMetrics"/> in the
/// Prometheus text exposition format, written by prometheus-net.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    public const string Path = "/metrics";

    private readonly NodeMetrics _metrics;
    private readonly HttpEndpoint _http;

    private MetricsEndpoint(PrometheusConfig config, NodeMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _http = HttpEndpoint.Start(config.Bind, "prometheus.bind", AnswerAsync, logger);
    }

    /// <summary>The endpoint's URL as reachable from this machine.</summary>
    public string Url => _http.Url + Path;

    /// <summary>Starts listening at once; an address in use throws, naming <c>prometheus.bind</c>.</summary>
    public static MetricsEndpoint Start(PrometheusConfig config, NodeMetrics metrics, ILogger logger) => new(config, metrics, logger);

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        if (!string.Equals(context.Request.Url?.AbsolutePath, Path, StringComparison.Ordinal))
        {
            response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }
        // Written to memory first: the status line must not go out before collecting has succeeded.
        using var body = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(body, cancellationToken).ConfigureAwait(false);
        response.StatusCode = (int)HttpStatusCode.OK;
        response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        response.ContentLength64 = body.Length;
        body.Position = 0;
        await body.CopyToAsync(response.OutputStream, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _http.DisposeAsync();
}
