using System.Net;
using System.Text;
using System.Text.Json;
using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// <c>[health_check]</c>: answers GET (or HEAD) on <c>health_check.path</c> with 200 when the node is healthy and 503
/// when not, so Kubernetes probes and <c>curl -f</c> can use it; the body is the <see cref="HealthReport"/> as JSON
/// (<c>detailed = true</c>) or the status word alone. Other paths are 404.
/// </summary>
public sealed class HealthEndpoint : IAsyncDisposable
{
    /// <summary>A report that takes longer than this is itself a sign of trouble: the probe gets 503.</summary>
    public static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly HealthCheckConfig _config;
    private readonly Func<CancellationToken, Task<HealthReport>> _report;
    private readonly HttpEndpoint _http;

    private HealthEndpoint(HealthCheckConfig config, Func<CancellationToken, Task<HealthReport>> report, ILogger logger)
    {
        _config = config;
        _report = report;
        _http = HttpEndpoint.Start(config.Bind, "health_check.bind", AnswerAsync, logger);
    }

    /// <summary>The endpoint's URL as reachable from this machine.</summary>
    public string Url => _http.Url + _config.Path;

    /// <summary>Starts listening at once; an address in use throws, naming <c>health_check.bind</c>.</summary>
    public static HealthEndpoint Start(HealthCheckConfig config, Func<CancellationToken, Task<HealthReport>> report,
        ILogger logger) => new(config, report, logger);

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        if (!string.Equals(context.Request.Url?.AbsolutePath, _config.Path, StringComparison.Ordinal))
        {
            response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            response.StatusCode = (int)HttpStatusCode.MethodNotAllowed;
            response.AddHeader("Allow", "GET, HEAD");
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReportTimeout);
        response.AddHeader("Cache-Control", "no-store");
        HealthReport report;
        try
        {
            report = await _report(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A database locked for long, or NATS not answering: the node cannot vouch for itself.
            var late = $"unhealthy: the health checks took longer than {ReportTimeout.TotalSeconds} s\n";
            await WriteAsync(context, HttpStatusCode.ServiceUnavailable, PlainText, Encoding.UTF8.GetBytes(late), cancellationToken)
                .ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A node releasing what the checks read (it is stopping), or a check that failed in a way not foreseen.
            var failed = $"unhealthy: the health checks failed: {ex.Message}\n";
            await WriteAsync(context, HttpStatusCode.ServiceUnavailable, PlainText, Encoding.UTF8.GetBytes(failed), cancellationToken)
                .ConfigureAwait(false);
            return;
        }
        var body = _config.Detailed
            ? JsonSerializer.SerializeToUtf8Bytes(report, Json)
            : Encoding.UTF8.GetBytes(report.Status + "\n");
        var status = report.IsHealthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
        await WriteAsync(context, status, _config.Detailed ? "application/json" : PlainText, body, cancellationToken).ConfigureAwait(false);
    }

    private const string PlainText = "text/plain; charset=utf-8";

    private static async Task WriteAsync(HttpListenerContext context, HttpStatusCode status, string contentType, byte[] body,
        CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        if (context.Request.HttpMethod == "GET") await response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _http.DisposeAsync();
}
