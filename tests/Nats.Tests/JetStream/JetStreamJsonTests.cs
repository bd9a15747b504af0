using System.Text;
using System.Text.Json;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.JetStream.Api;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

/// <summary>The JSON layer speaks the JetStream API's field names, units and enum strings.</summary>
public sealed class JetStreamJsonTests
{
    private static JetStreamJsonContext Json => JetStreamJsonContext.Default;

    [Fact]
    public void Stream_config_uses_api_names_nanosecond_durations_and_enum_strings()
    {
        var config = new StreamConfig("ORDERS")
        {
            Subjects = ["orders.>"],
            Retention = RetentionPolicy.WorkQueue,
            Storage = StorageType.Memory,
            Discard = DiscardPolicy.New,
            MaxAge = TimeSpan.FromSeconds(90),
            DuplicateWindow = TimeSpan.FromMilliseconds(1500),
            MaxMessagesPerSubject = 5,
            AllowRollupHeaders = true,
            Replicas = 3,
        };
        using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(config, Json.StreamConfig));
        var root = doc.RootElement;
        Assert.Equal("ORDERS", root.GetProperty("name").GetString());
        Assert.Equal("orders.>", root.GetProperty("subjects")[0].GetString());
        Assert.Equal("workqueue", root.GetProperty("retention").GetString());
        Assert.Equal("memory", root.GetProperty("storage").GetString());
        Assert.Equal("new", root.GetProperty("discard").GetString());
        Assert.Equal(90_000_000_000L, root.GetProperty("max_age").GetInt64());
        Assert.Equal(1_500_000_000L, root.GetProperty("duplicate_window").GetInt64());
        Assert.Equal(5, root.GetProperty("max_msgs_per_subject").GetInt64());
        Assert.True(root.GetProperty("allow_rollup_hdrs").GetBoolean());
        Assert.Equal(3, root.GetProperty("num_replicas").GetInt32());
        Assert.Equal(-1, root.GetProperty("max_msgs").GetInt64());
        Assert.False(root.TryGetProperty("description", out _), "null members are left out");
    }

    [Fact]
    public void Stream_info_as_sent_by_nats_server_2_9_is_read()
    {
        const string json = """
            {"type":"io.nats.jetstream.api.v1.stream_create_response","config":{"name":"S","subjects":["s.\u003e"],"retention":"limits","max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,"discard":"old","storage":"memory","num_replicas":1,"duplicate_window":120000000000,"allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,"deny_purge":false,"allow_rollup_hdrs":false},"created":"2026-11-22T04:26:27.646327192Z","state":{"messages":3,"bytes":120,"first_seq":1,"first_ts":"0001-01-01T00:00:00Z","last_seq":3,"last_ts":"2026-11-22T04:26:28.5Z","consumer_count":0},"did_create":true}
            """;
        var info = JsonSerializer.Deserialize(json, Json.StreamInfo)!;
        Assert.Equal("S", info.Config.Name);
        Assert.Equal("s.>", Assert.Single(info.Config.Subjects!));
        Assert.Equal(StorageType.Memory, info.Config.Storage);
        Assert.Equal(TimeSpan.FromMinutes(2), info.Config.DuplicateWindow);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 4, 26, 27, TimeSpan.Zero).AddTicks(6463271), info.Created);
        Assert.Equal(DateTimeOffset.MinValue, info.State.FirstTime);
        Assert.Equal(3UL, info.State.LastSequence);
        Assert.Equal(3UL, info.State.Messages);
    }

    [Fact]
    public void Consumer_config_leaves_server_defaults_out_and_writes_the_start_policy()
    {
        var config = new ConsumerConfig("worker")
        {
            DeliverPolicy = DeliverPolicy.ByStartSequence,
            OptStartSequence = 42,
            AckWait = TimeSpan.FromSeconds(10),
            FilterSubject = "orders.eu",
        };
        using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new ConsumerCreateRequest { Stream = "ORDERS", Config = config }, Json.ConsumerCreateRequest));
        var root = doc.RootElement;
        Assert.Equal("ORDERS", root.GetProperty("stream_name").GetString());
        var c = root.GetProperty("config");
        Assert.Equal("worker", c.GetProperty("durable_name").GetString());
        Assert.Equal("worker", c.GetProperty("name").GetString());
        Assert.Equal("by_start_sequence", c.GetProperty("deliver_policy").GetString());
        Assert.Equal(42UL, c.GetProperty("opt_start_seq").GetUInt64());
        Assert.Equal("explicit", c.GetProperty("ack_policy").GetString());
        Assert.Equal(10_000_000_000L, c.GetProperty("ack_wait").GetInt64());
        Assert.Equal("instant", c.GetProperty("replay_policy").GetString());
        Assert.False(c.TryGetProperty("max_ack_pending", out _));
        Assert.False(c.TryGetProperty("opt_start_time", out _));
    }

    [Theory]
    [InlineData(DeliverPolicy.All, "all")]
    [InlineData(DeliverPolicy.Last, "last")]
    [InlineData(DeliverPolicy.New, "new")]
    [InlineData(DeliverPolicy.ByStartSequence, "by_start_sequence")]
    [InlineData(DeliverPolicy.ByStartTime, "by_start_time")]
    [InlineData(DeliverPolicy.LastPerSubject, "last_per_subject")]
    public void Deliver_policies_round_trip_with_their_api_names(DeliverPolicy policy, string name)
    {
        var json = JsonSerializer.Serialize(new ConsumerConfig { DeliverPolicy = policy }, Json.ConsumerConfig);
        Assert.Contains($"\"deliver_policy\":\"{name}\"", json);
        Assert.Equal(policy, JsonSerializer.Deserialize(json, Json.ConsumerConfig)!.DeliverPolicy);
    }

    [Fact]
    public void An_unknown_enum_string_names_the_expected_values()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"deliver_policy":"sometimes"}""", Json.ConsumerConfig));
        Assert.Contains("sometimes", ex.Message);
        Assert.Contains("last_per_subject", ex.Message);
    }

    [Fact]
    public void Start_time_is_written_as_rfc3339_utc()
    {
        var start = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        var json = JsonSerializer.Serialize(new ConsumerConfig { DeliverPolicy = DeliverPolicy.ByStartTime, OptStartTime = start }, Json.ConsumerConfig);
        Assert.Contains("\"opt_start_time\":\"2024-05-06T05:08:09.1234567Z\"", json);
        Assert.Equal(start, JsonSerializer.Deserialize(json, Json.ConsumerConfig)!.OptStartTime);
    }

    [Fact]
    public void Pull_request_carries_batch_expiry_and_heartbeat_in_nanoseconds()
    {
        var json = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(
            new PullRequest { Batch = 10, Expires = TimeSpan.FromSeconds(30), IdleHeartbeat = TimeSpan.FromSeconds(15) }, Json.PullRequest));
        Assert.Equal("""{"batch":10,"expires":30000000000,"no_wait":false,"idle_heartbeat":15000000000}""", json);
    }

    [Fact]
    public void Api_errors_are_read_from_any_response()
    {
        var envelope = JsonSerializer.Deserialize("""{"type":"io.nats.jetstream.api.v1.consumer_info_response","error":{"code":404,"err_code":10014,"description":"consumer not found"}}""", Json.ApiErrorEnvelope)!;
        Assert.Equal(404, envelope.Error!.Code);
        Assert.Equal(JetStreamErrorCode.ConsumerNotFound, envelope.Error.ErrorCode);
        Assert.Equal("consumer not found", envelope.Error.Description);
    }

    [Fact]
    public void Stored_message_payload_and_headers_are_base64()
    {
        var response = JsonSerializer.Deserialize("""{"message":{"subject":"s.a","seq":3,"data":"aGVsbG8=","hdrs":"TkFUUy8xLjANCg0K","time":"2026-11-22T04:26:59.867082639Z"}}""", Json.MessageGetResponse)!;
        Assert.Equal("hello", Encoding.UTF8.GetString(response.Message!.Data!));
        Assert.Equal("NATS/1.0\r\n\r\n", Encoding.ASCII.GetString(response.Message.Headers!));
        Assert.Equal(3UL, response.Message.Sequence);
    }
}
