namespace HarmonyLite.Nats.JetStream;

/// <summary>Well-known JetStream <c>err_code</c> values (nats-server errors.json) callers branch on.</summary>
public static class JetStreamErrorCode
{
    public const int BadRequest = 10003;
    public const int ClusterNoPeers = 10005;
    public const int ClusterNotAvailable = 10008;
    public const int ConsumerCreate = 10012;
    public const int ConsumerNameExists = 10013;
    public const int ConsumerNotFound = 10014;
    public const int InsufficientResources = 10023;
    public const int MaximumConsumersLimit = 10026;
    public const int MaximumStreamsLimit = 10027;
    public const int NoMessageFound = 10037;
    public const int JetStreamNotEnabledForAccount = 10039;
    public const int SequenceNotFound = 10043;
    public const int StorageResourcesExceeded = 10047;
    public const int StreamMessageExceedsMaximum = 10054;
    public const int StreamNameInUse = 10058;
    public const int StreamNotFound = 10059;
    public const int StreamNotMatch = 10060;
    public const int StreamReplicasNotUpdatable = 10061;
    public const int StreamSubjectOverlap = 10065;
    public const int StreamWrongLastMsgId = 10070;
    public const int StreamWrongLastSequence = 10071;
    public const int StreamReplicasNotSupported = 10074;
    public const int JetStreamNotEnabled = 10076;
    public const int StreamStoreFailed = 10077;
    public const int StreamSealed = 10109;
    public const int StreamOffline = 10118;
    public const int ConsumerOffline = 10119;
}
