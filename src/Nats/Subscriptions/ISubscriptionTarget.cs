namespace HarmonyLite.Nats.Subscriptions;

/// <summary>Something registered under a subscription id that receives the messages of that id.</summary>
internal interface ISubscriptionTarget
{
    long Sid { get; }
    string Subject { get; }
    string? QueueGroup { get; }

    /// <summary>Total messages after which the subscription ends (UNSUB sid max), or null.</summary>
    long? MaxMessages { get; }

    /// <summary>Messages received so far (delivered or dropped).</summary>
    long Received { get; }

    /// <summary>Hands a message over from the reader loop; must not block. Returns true when this was the last one (max reached).</summary>
    bool Deliver(NatsMsg message);

    /// <summary>No more messages will come: unsubscribed, drained or the connection closed (with the error if it failed).</summary>
    void Complete(Exception? error);
}
