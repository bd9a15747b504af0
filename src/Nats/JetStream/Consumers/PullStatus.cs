using System.Globalization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>Classifies status messages (HMSG with a status line) that arrive on a pull inbox.</summary>
internal static class PullStatus
{
    public static PullStatusKind Classify(int statusCode, string? description)
    {
        var text = description ?? "";
        return statusCode switch
        {
            100 => text.Contains("FlowControl", StringComparison.OrdinalIgnoreCase) ? PullStatusKind.FlowControl : PullStatusKind.Heartbeat,
            404 => PullStatusKind.NoMessages,
            408 => PullStatusKind.RequestExpired,
            409 when text.StartsWith("Consumer Deleted", StringComparison.OrdinalIgnoreCase) => PullStatusKind.ConsumerDeleted,
            409 when text.StartsWith("Exceeded MaxWaiting", StringComparison.OrdinalIgnoreCase) => PullStatusKind.TooManyWaiting,
            409 when text.StartsWith("Message Size Exceeds MaxBytes", StringComparison.OrdinalIgnoreCase) => PullStatusKind.ExceedsMaxBytes,
            409 when text.StartsWith("Consumer is push based", StringComparison.OrdinalIgnoreCase)
                  || text.StartsWith("Exceeded MaxRequest", StringComparison.OrdinalIgnoreCase) => PullStatusKind.Fatal,
            409 => PullStatusKind.PullsLost,
            503 => PullStatusKind.NoResponders,
            _ => PullStatusKind.Fatal,
        };
    }

    /// <summary>Reads <c>Nats-Pending-Messages</c>: how many messages of the ended pull were not delivered.</summary>
    public static bool TryGetPendingMessages(NatsHeaders? headers, out int pending)
    {
        pending = 0;
        var text = headers?[JetStreamHeaders.PendingMessages];
        return text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pending);
    }
}
