namespace HarmonyLite.Nats.JetStream;

/// <summary>Header names JetStream reads on publish or sets on delivery.</summary>
public static class JetStreamHeaders
{
    public const string MsgId = "Nats-Msg-Id";
    public const string ExpectedStream = "Nats-Expected-Stream";
    public const string ExpectedLastSequence = "Nats-Expected-Last-Sequence";
    public const string ExpectedLastSubjectSequence = "Nats-Expected-Last-Subject-Sequence";
    public const string ExpectedLastMsgId = "Nats-Expected-Last-Msg-Id";
    /// <summary>"sub" replaces every earlier message on the subject, "all" the whole stream (needs allow_rollup_hdrs).</summary>
    public const string Rollup = "Nats-Rollup";
    public const string RollupSubject = "sub";
    public const string RollupAll = "all";
    /// <summary>On 408/409 pull statuses: how many of the request's messages (and bytes) were not delivered.</summary>
    public const string PendingMessages = "Nats-Pending-Messages";
    public const string PendingBytes = "Nats-Pending-Bytes";
}
