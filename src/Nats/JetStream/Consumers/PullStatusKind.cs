namespace HarmonyLite.Nats.JetStream;

/// <summary>What a status message on a pull inbox means to the puller.</summary>
internal enum PullStatusKind
{
    /// <summary>100 Idle Heartbeat: the pull request is alive, nothing to deliver.</summary>
    Heartbeat,
    /// <summary>100 FlowControl Request (push only): must be answered on its reply subject.</summary>
    FlowControl,
    /// <summary>404 No Messages: a no-wait pull found nothing.</summary>
    NoMessages,
    /// <summary>408 Request Timeout: a pull request expired; its undelivered count is in the pending headers.</summary>
    RequestExpired,
    /// <summary>409 Consumer Deleted.</summary>
    ConsumerDeleted,
    /// <summary>409 Exceeded MaxWaiting: the server refused the pull because too many are waiting.</summary>
    TooManyWaiting,
    /// <summary>409 Message Size Exceeds MaxBytes: the next message does not fit the pull's byte budget.</summary>
    ExceedsMaxBytes,
    /// <summary>Other 409s (Leadership Change, Server Shutdown, ...): outstanding pulls are gone, pull again.</summary>
    PullsLost,
    /// <summary>503: nobody serves the pull subject (JetStream unavailable).</summary>
    NoResponders,
    /// <summary>A status another pull cannot fix: 400 Bad Request, 409 Consumer is push based, request above the consumer's limits.</summary>
    Fatal,
}
