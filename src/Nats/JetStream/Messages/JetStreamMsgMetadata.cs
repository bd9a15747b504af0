namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// Where a delivered message sits, parsed from its <c>$JS.ACK</c> reply subject.
/// </summary>
/// <param name="Domain">The JetStream domain, or null (v1 subjects and "_" carry none).</param>
/// <param name="AccountHash">The account hash of v2 subjects, or null.</param>
/// <param name="NumDelivered">How many times this message has been delivered (1 the first time).</param>
/// <param name="StreamSequence">The message's sequence in the stream.</param>
/// <param name="ConsumerSequence">The delivery's sequence in the consumer (grows with redeliveries too).</param>
/// <param name="Timestamp">When the stream stored the message.</param>
/// <param name="NumPending">Messages matching the consumer still to deliver after this one.</param>
public sealed record JetStreamMsgMetadata(
    string? Domain,
    string? AccountHash,
    string Stream,
    string Consumer,
    ulong NumDelivered,
    ulong StreamSequence,
    ulong ConsumerSequence,
    DateTimeOffset Timestamp,
    ulong NumPending)
{
    private const string AckPrefix = "$JS.ACK.";

    /// <summary>
    /// Parses <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;sseq&gt;.&lt;cseq&gt;.&lt;ts&gt;.&lt;pending&gt;</c> (v1)
    /// or <c>$JS.ACK.&lt;domain&gt;.&lt;account&gt;.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;sseq&gt;.&lt;cseq&gt;.&lt;ts&gt;.&lt;pending&gt;[.&lt;token&gt;...]</c> (v2).
    /// Returns null for anything else.
    /// </summary>
    public static JetStreamMsgMetadata? TryParse(string? replyTo)
    {
        if (replyTo is null || !replyTo.StartsWith(AckPrefix, StringComparison.Ordinal)) return null;
        var tokens = replyTo.Split('.');
        // tokens[0..1] are "$JS" and "ACK".
        int offset;
        string? domain = null, account = null;
        if (tokens.Length == 9)
        {
            offset = 2;
        }
        else if (tokens.Length >= 11)
        {
            domain = tokens[2] == "_" ? null : tokens[2];
            account = tokens[3];
            offset = 4;
        }
        else
        {
            return null;
        }

        if (!ulong.TryParse(tokens[offset + 2], out var delivered)
            || !ulong.TryParse(tokens[offset + 3], out var streamSeq)
            || !ulong.TryParse(tokens[offset + 4], out var consumerSeq)
            || !long.TryParse(tokens[offset + 5], out var nanos)
            || !ulong.TryParse(tokens[offset + 6], out var pending))
            return null;
        var timestamp = DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
        return new JetStreamMsgMetadata(domain, account, tokens[offset], tokens[offset + 1], delivered, streamSeq, consumerSeq, timestamp, pending);
    }
}
