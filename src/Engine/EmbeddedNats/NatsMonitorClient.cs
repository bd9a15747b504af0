using System.Net;
using System.Text.Json;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>Asks nats-server's HTTP monitoring port whether it (JetStream included) is healthy, and how many routes it has.</summary>
internal sealed class NatsMonitorClient : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// /healthz?js-server-only=true answers 200 {"status":"ok"} once the server accepts clients and JetStream is ready
    /// (in a cluster: in contact with a meta leader, which needs a quorum of peers).
    /// </summary>
    /// <remarks>
    /// Server only: the full check also wants this server's copy of every stream and consumer current, which a
    /// restarted server catching up under load may not be for minutes; the node works through the leaders meanwhile
    /// (a soak round saw a node give up after 60 s on "consumer ... is not current").
    /// </remarks>
    /// <returns>Whether it is healthy, and what it said (for error messages).</returns>
    public async Task<(bool Healthy, string Answer)> CheckHealthAsync(Uri monitor, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(monitor, "/healthz?js-server-only=true"), cancellationToken).ConfigureAwait(false);
            var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return (response.StatusCode == HttpStatusCode.OK, $"/healthz answered {(int)response.StatusCode} {body}");
        }
        catch (HttpRequestException ex)
        {
            return (false, $"/healthz did not answer: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, "/healthz did not answer within 5 s");
        }
    }

    /// <summary>The number of connected routes (/routez num_routes), or null when the monitor does not answer.</summary>
    public async Task<int?> CountRoutesAsync(Uri monitor, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await _http.GetStreamAsync(new Uri(monitor, "/routez"), cancellationToken).ConfigureAwait(false);
            using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return json.RootElement.TryGetProperty("num_routes", out var n) && n.TryGetInt32(out var count) ? count : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
