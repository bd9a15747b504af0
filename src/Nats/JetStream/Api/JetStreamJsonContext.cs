using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>Source-generated (reflection-free) JSON for every JetStream API message.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(NanosecondsConverter), typeof(Rfc3339TimeConverter)])]
[JsonSerializable(typeof(ApiErrorEnvelope))]
[JsonSerializable(typeof(AccountInfo))]
[JsonSerializable(typeof(StreamConfig))]
[JsonSerializable(typeof(StreamInfo))]
[JsonSerializable(typeof(StreamInfoRequest))]
[JsonSerializable(typeof(StreamPurgeOptions))]
[JsonSerializable(typeof(StreamPurgeResponse))]
[JsonSerializable(typeof(PagedRequest))]
[JsonSerializable(typeof(StreamNamesResponse))]
[JsonSerializable(typeof(StreamListResponse))]
[JsonSerializable(typeof(ConsumerNamesResponse))]
[JsonSerializable(typeof(ConsumerListResponse))]
[JsonSerializable(typeof(ConsumerCreateRequest))]
[JsonSerializable(typeof(ConsumerInfo))]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(MessageGetRequest))]
[JsonSerializable(typeof(MessageGetResponse))]
[JsonSerializable(typeof(MessageDeleteRequest))]
[JsonSerializable(typeof(PubAckResponse))]
internal sealed partial class JetStreamJsonContext : JsonSerializerContext
{
}
