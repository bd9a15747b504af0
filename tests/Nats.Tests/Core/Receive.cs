using System.Threading.Channels;

namespace HarmonyLite.Nats.Tests.Core;

/// <summary>Reads from subscriptions with a deadline, so a missing message fails the test instead of hanging it.</summary>
internal static class Receive
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<NatsMsg> NextAsync(this NatsSubscription subscription, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        try { return await subscription.Messages.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"No message on '{subscription.Subject}' within {(timeout ?? Timeout).TotalSeconds} s."); }
    }

    /// <summary>True when the channel completes within the timeout after yielding no further message.</summary>
    public static async Task<bool> CompletesAsync(this NatsSubscription subscription, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        try { return !await subscription.Messages.WaitToReadAsync(cts.Token); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Everything currently buffered, without waiting.</summary>
    public static List<NatsMsg> Drain(this ChannelReader<NatsMsg> reader)
    {
        var list = new List<NatsMsg>();
        while (reader.TryRead(out var msg)) list.Add(msg);
        return list;
    }
}
