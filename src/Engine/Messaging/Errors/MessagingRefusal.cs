namespace HarmonyLite.Engine.Messaging;

/// <summary>Why JetStream refused a request.</summary>
public enum MessagingRefusal
{
    /// <summary>The stream, consumer, bucket or object does not exist.</summary>
    NotFound,

    /// <summary>The account or cluster has no room: storage, stream or consumer limits, too few servers for the replicas.</summary>
    LimitReached,

    /// <summary>JetStream is not enabled on the server or for the account.</summary>
    NotEnabled,

    /// <summary>Anything else JetStream refused (a conflicting setting, a bad request).</summary>
    Other,
}
