namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>The JetStream API error codes (<c>err_code</c>) the engine tells apart; nats-server's errors.json.</summary>
internal static class JetStreamErrorCodes
{
    public const int ClusterNoPeers = 10005;
    public const int ClusterNotAvailable = 10008;
    public const int ConsumerNotFound = 10014;
    public const int InsufficientResources = 10023;
    public const int MaximumConsumersLimit = 10026;
    public const int MaximumStreamsLimit = 10027;
    public const int NoMessageFound = 10037;
    public const int JetStreamNotEnabledForAccount = 10039;
    public const int StorageResourcesExceeded = 10047;
    public const int StreamNameInUse = 10058;
    public const int StreamNotFound = 10059;
    public const int StreamReplicasNotSupported = 10074;
    public const int JetStreamNotEnabled = 10076;
    public const int StreamOffline = 10118;
}
