using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HarmonyLite.Nats.JetStream.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// JetStream over a <see cref="NatsConnection"/>: account info, stream and consumer management, acked
/// publishing, direct message access. Cheap to create; holds no resources of its own.
/// </summary>
public sealed class JetStreamContext
{
    private const string DefaultApiPrefix = "$JS.API";
    private static readonly JetStreamPublishOptions DefaultPublishOptions = new();

    public JetStreamContext(NatsConnection connection, JetStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Options = options ?? new JetStreamOptions();
        ApiPrefix = Options.ApiPrefix is { Length: > 0 } prefix ? prefix.TrimEnd('.')
            : Options.Domain is { Length: > 0 } domain ? $"$JS.{domain}.API"
            : DefaultApiPrefix;
        Logger = connection.Options.LoggerFactory?.CreateLogger("HarmonyLite.Nats.JetStream") ?? NullLogger.Instance;
    }

    public NatsConnection Connection { get; }

    public JetStreamOptions Options { get; }

    /// <summary>The subject prefix of API calls, e.g. <c>$JS.API</c>.</summary>
    public string ApiPrefix { get; }

    /// <summary>Timeout of API calls and publish acks.</summary>
    public TimeSpan RequestTimeout => Options.RequestTimeout ?? Connection.Options.RequestTimeout;

    internal ILogger Logger { get; }

    internal static JetStreamJsonContext Json => JetStreamJsonContext.Default;

    // ---- account -------------------------------------------------------------------------------

    public Task<AccountInfo> GetAccountInfoAsync(CancellationToken cancellationToken = default) =>
        RequestAsync("INFO", Json.AccountInfo, cancellationToken);

    // ---- streams -------------------------------------------------------------------------------

    /// <summary>Creates a stream. An existing stream with the same configuration is returned as is; a different one fails with <see cref="JetStreamErrorCode.StreamNameInUse"/>.</summary>
    public Task<StreamInfo> CreateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        JetStreamNames.ValidateStream(config.Name, nameof(config));
        return RequestAsync($"STREAM.CREATE.{config.Name}", config, Json.StreamConfig, Json.StreamInfo, cancellationToken);
    }

    /// <summary>Changes an existing stream's configuration (fails with <see cref="JetStreamErrorCode.StreamNotFound"/> when there is none).</summary>
    public Task<StreamInfo> UpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        JetStreamNames.ValidateStream(config.Name, nameof(config));
        return RequestAsync($"STREAM.UPDATE.{config.Name}", config, Json.StreamConfig, Json.StreamInfo, cancellationToken);
    }

    /// <summary>Updates the stream when it exists, creates it otherwise.</summary>
    public async Task<StreamInfo> CreateOrUpdateStreamAsync(StreamConfig config, CancellationToken cancellationToken = default)
    {
        try
        {
            return await UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
        {
            try
            {
                return await CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
            }
            catch (JetStreamApiException race) when (race.ErrorCode == JetStreamErrorCode.StreamNameInUse)
            {
                // Another client created it between our two calls.
                return await UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A stream's configuration and state. <paramref name="subjectsFilter"/> (wildcards allowed) fills
    /// <see cref="StreamState.Subjects"/>; <paramref name="deletedDetails"/> fills <see cref="StreamState.Deleted"/>.
    /// </summary>
    public Task<StreamInfo> GetStreamInfoAsync(string stream, string? subjectsFilter = null, bool deletedDetails = false, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        var api = $"STREAM.INFO.{stream}";
        return subjectsFilter is null && !deletedDetails
            ? RequestAsync(api, Json.StreamInfo, cancellationToken)
            : RequestAsync(api, new StreamInfoRequest { SubjectsFilter = subjectsFilter, DeletedDetails = deletedDetails }, Json.StreamInfoRequest, Json.StreamInfo, cancellationToken);
    }

    /// <summary>Deletes a stream with its messages and consumers.</summary>
    public async Task<bool> DeleteStreamAsync(string stream, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        var response = await RequestAsync($"STREAM.DELETE.{stream}", Json.SuccessResponse, cancellationToken).ConfigureAwait(false);
        return response.Success;
    }

    /// <summary>Removes messages (all, or those <paramref name="options"/> selects) and returns how many.</summary>
    public async Task<ulong> PurgeStreamAsync(string stream, StreamPurgeOptions? options = null, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        if (options is { UpToSequence: not null, Keep: not null })
            throw new ArgumentException("A purge takes either UpToSequence or Keep, not both.", nameof(options));
        var api = $"STREAM.PURGE.{stream}";
        var response = options is null
            ? await RequestAsync(api, Json.StreamPurgeResponse, cancellationToken).ConfigureAwait(false)
            : await RequestAsync(api, options, Json.StreamPurgeOptions, Json.StreamPurgeResponse, cancellationToken).ConfigureAwait(false);
        return response.Purged;
    }

    /// <summary>Names of all streams, or of those storing <paramref name="subject"/> (wildcards allowed), page by page.</summary>
    public IAsyncEnumerable<string> ListStreamNamesAsync(string? subject = null, CancellationToken cancellationToken = default) =>
        ListPagedAsync("STREAM.NAMES", subject, Json.StreamNamesResponse, page => (page.Total, page.Streams), cancellationToken);

    /// <summary>Infos of all streams, or of those storing <paramref name="subject"/>, page by page.</summary>
    public IAsyncEnumerable<StreamInfo> ListStreamsAsync(string? subject = null, CancellationToken cancellationToken = default) =>
        ListPagedAsync("STREAM.LIST", subject, Json.StreamListResponse, page => (page.Total, page.Streams), cancellationToken);

    // ---- publish -------------------------------------------------------------------------------

    /// <summary>
    /// Publishes to a stream's subject and waits for the stream's ack. Refusals (expectation failed, limits,
    /// ...) throw <see cref="JetStreamApiException"/>; a subject no stream stores throws <see cref="JetStreamNoStreamException"/>.
    /// </summary>
    public async Task<PubAck> PublishAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, JetStreamPublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DefaultPublishOptions;
        var sendHeaders = WithPublishHeaders(headers, options);
        var timeout = options.Timeout ?? RequestTimeout;
        for (var attempt = 0; ; attempt++)
        {
            Exception failure;
            try
            {
                var reply = await Connection.RequestAsync(subject, data, sendHeaders, timeout, cancellationToken).ConfigureAwait(false);
                return ParsePubAck(reply, subject);
            }
            catch (NatsNoRespondersException ex)
            {
                if (attempt >= options.RetryAttempts) throw new JetStreamNoStreamException(subject, ex);
                failure = ex;
            }
            catch (NatsException ex) when (options.MsgId is not null && attempt < options.RetryAttempts && IsRetryablePublishFailure(ex))
            {
                failure = ex;
            }
            Logger.LogDebug("JetStream publish to {Subject} (msg id {MsgId}) attempt {Attempt} failed: {Error}; retrying.", subject, options.MsgId, attempt + 1, failure.Message);
            await Task.Delay(options.RetryWait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsRetryablePublishFailure(NatsException ex) =>
        ex is NatsTimeoutException or NatsConnectionException || ex is JetStreamApiException { Code: 503 };

    private static NatsHeaders? WithPublishHeaders(NatsHeaders? headers, JetStreamPublishOptions options)
    {
        if (options.MsgId is null && options.ExpectedStream is null && options.ExpectedLastSequence is null
            && options.ExpectedLastSubjectSequence is null && options.ExpectedLastMsgId is null)
            return headers;
        // Copy so the caller's headers object is never changed behind its back.
        var result = new NatsHeaders();
        if (headers is not null)
            foreach (var (name, values) in headers)
                foreach (var value in values) result.Add(name, value);
        if (options.MsgId is not null) result[JetStreamHeaders.MsgId] = options.MsgId;
        if (options.ExpectedStream is not null) result[JetStreamHeaders.ExpectedStream] = options.ExpectedStream;
        if (options.ExpectedLastSequence is { } lastSeq) result[JetStreamHeaders.ExpectedLastSequence] = lastSeq.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (options.ExpectedLastSubjectSequence is { } subjSeq) result[JetStreamHeaders.ExpectedLastSubjectSequence] = subjSeq.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (options.ExpectedLastMsgId is not null) result[JetStreamHeaders.ExpectedLastMsgId] = options.ExpectedLastMsgId;
        return result;
    }

    private static PubAck ParsePubAck(NatsMsg reply, string subject)
    {
        if (reply.StatusCode is int status && reply.Data.IsEmpty)
            throw new NatsProtocolException($"JetStream answered the publish on '{subject}' with status {status} {reply.Headers?.StatusDescription} instead of an ack.");
        PubAckResponse? ack;
        try
        {
            ack = JsonSerializer.Deserialize(reply.Data.Span, Json.PubAckResponse);
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"The publish ack for '{subject}' is not valid JSON ({ex.Message}).");
        }
        if (ack?.Error is { } error)
            throw new JetStreamApiException(error.Code, error.ErrorCode, error.Description ?? "unknown error", subject);
        if (ack?.Stream is null)
            throw new NatsProtocolException($"The publish ack for '{subject}' names no stream.");
        return new PubAck(ack.Stream, ack.Sequence, ack.Duplicate, ack.Domain);
    }

    // ---- stored messages -----------------------------------------------------------------------

    /// <summary>The message at <paramref name="sequence"/>; a missing one throws <see cref="JetStreamErrorCode.NoMessageFound"/>.</summary>
    public Task<StoredMessage> GetMessageAsync(string stream, ulong sequence, CancellationToken cancellationToken = default) =>
        GetStoredMessageAsync(stream, new MessageGetRequest { Sequence = sequence }, cancellationToken);

    /// <summary>The newest message on <paramref name="subject"/>; none throws <see cref="JetStreamErrorCode.NoMessageFound"/>.</summary>
    public Task<StoredMessage> GetLastMessageAsync(string stream, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return GetStoredMessageAsync(stream, new MessageGetRequest { LastBySubject = subject }, cancellationToken);
    }

    private async Task<StoredMessage> GetStoredMessageAsync(string stream, MessageGetRequest request, CancellationToken cancellationToken)
    {
        JetStreamNames.ValidateStream(stream);
        var api = $"STREAM.MSG.GET.{stream}";
        var response = await RequestAsync(api, request, Json.MessageGetRequest, Json.MessageGetResponse, cancellationToken).ConfigureAwait(false);
        var raw = response.Message ?? throw new NatsProtocolException($"The answer of {ApiPrefix}.{api} holds no message.");
        NatsHeaders? headers = null;
        if (raw.Headers is { Length: > 0 } block)
        {
            headers = Protocol.HeaderCodec.Parse(block);
        }
        return new StoredMessage(raw.Subject, raw.Sequence, raw.Data ?? [], headers, raw.Time);
    }

    /// <summary>Deletes one message. With <paramref name="erase"/> its bytes are overwritten on disk too.</summary>
    public async Task<bool> DeleteMessageAsync(string stream, ulong sequence, bool erase = false, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        var response = await RequestAsync($"STREAM.MSG.DELETE.{stream}", new MessageDeleteRequest { Sequence = sequence, NoErase = !erase }, Json.MessageDeleteRequest, Json.SuccessResponse, cancellationToken).ConfigureAwait(false);
        return response.Success;
    }

    // ---- consumers -----------------------------------------------------------------------------

    /// <summary>
    /// Creates a pull consumer, or updates it when one with the same name exists. A config without
    /// <see cref="ConsumerConfig.Name"/> and <see cref="ConsumerConfig.DurableName"/> creates an ephemeral
    /// consumer the server names.
    /// </summary>
    public async Task<JetStreamConsumer> CreateOrUpdateConsumerAsync(string stream, ConsumerConfig config, CancellationToken cancellationToken = default)
    {
        var info = await CreateOrUpdateConsumerInfoAsync(stream, config, cancellationToken).ConfigureAwait(false);
        return new JetStreamConsumer(this, info);
    }

    internal Task<ConsumerInfo> CreateOrUpdateConsumerInfoAsync(string stream, ConsumerConfig config, CancellationToken cancellationToken)
    {
        JetStreamNames.ValidateStream(stream);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Name is not null && config.DurableName is not null && config.Name != config.DurableName)
            throw new ArgumentException($"A consumer's Name ('{config.Name}') and DurableName ('{config.DurableName}') must be equal when both are set.", nameof(config));
        var name = config.Name ?? config.DurableName;
        string api;
        if (name is null)
        {
            api = $"CONSUMER.CREATE.{stream}";
        }
        else
        {
            JetStreamNames.ValidateConsumer(name, nameof(config));
            if (ServerSupportsNamedConsumers())
            {
                api = $"CONSUMER.CREATE.{stream}.{name}";
                config = config with { Name = name };
            }
            else if (config.DurableName is not null)
            {
                // Servers before 2.9 only know durable names, on the DURABLE.CREATE subject.
                api = $"CONSUMER.DURABLE.CREATE.{stream}.{name}";
                config = config with { Name = null };
            }
            else
            {
                throw new NotSupportedException($"Named ephemeral consumers need nats-server 2.9 or newer (connected to {Connection.ServerInfo?.Version}); set DurableName, or leave Name unset.");
            }
        }
        return RequestAsync(api, new ConsumerCreateRequest { Stream = stream, Config = config }, Json.ConsumerCreateRequest, Json.ConsumerInfo, cancellationToken);
    }

    private bool ServerSupportsNamedConsumers()
    {
        var version = Connection.ServerInfo?.Version;
        if (string.IsNullOrEmpty(version)) return true;
        var core = version.Split('-', '+')[0];
        return !Version.TryParse(core, out var parsed) || parsed >= new Version(2, 9, 0);
    }

    /// <summary>A handle on an existing consumer, with its current info.</summary>
    public async Task<JetStreamConsumer> GetConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default)
    {
        var info = await GetConsumerInfoAsync(stream, consumer, cancellationToken).ConfigureAwait(false);
        return new JetStreamConsumer(this, info);
    }

    public Task<ConsumerInfo> GetConsumerInfoAsync(string stream, string consumer, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        JetStreamNames.ValidateConsumer(consumer);
        return RequestAsync($"CONSUMER.INFO.{stream}.{consumer}", Json.ConsumerInfo, cancellationToken);
    }

    public async Task<bool> DeleteConsumerAsync(string stream, string consumer, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        JetStreamNames.ValidateConsumer(consumer);
        var response = await RequestAsync($"CONSUMER.DELETE.{stream}.{consumer}", Json.SuccessResponse, cancellationToken).ConfigureAwait(false);
        return response.Success;
    }

    /// <summary>Names of the stream's consumers, page by page.</summary>
    public IAsyncEnumerable<string> ListConsumerNamesAsync(string stream, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        return ListPagedAsync($"CONSUMER.NAMES.{stream}", null, Json.ConsumerNamesResponse, page => (page.Total, page.Consumers), cancellationToken);
    }

    /// <summary>Infos of the stream's consumers, page by page.</summary>
    public IAsyncEnumerable<ConsumerInfo> ListConsumersAsync(string stream, CancellationToken cancellationToken = default)
    {
        JetStreamNames.ValidateStream(stream);
        return ListPagedAsync($"CONSUMER.LIST.{stream}", null, Json.ConsumerListResponse, page => (page.Total, page.Consumers), cancellationToken);
    }

    // ---- API plumbing --------------------------------------------------------------------------

    internal string ApiSubject(string api) => $"{ApiPrefix}.{api}";

    /// <summary>Walks a paged list API (<c>iterable_request</c>/<c>iterable_response</c>) to its end.</summary>
    private async IAsyncEnumerable<TItem> ListPagedAsync<TPage, TItem>(string api, string? subject, JsonTypeInfo<TPage> pageType,
        Func<TPage, (int Total, List<TItem>? Items)> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var page = await RequestAsync(api, new PagedRequest { Offset = offset, Subject = subject }, Json.PagedRequest, pageType, cancellationToken).ConfigureAwait(false);
            var (total, items) = read(page);
            items ??= [];
            foreach (var item in items) yield return item;
            offset += items.Count;
            if (items.Count == 0 || offset >= total) yield break;
        }
    }

    private Task<TResponse> RequestAsync<TResponse>(string api, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendApiRequestAsync(api, ReadOnlyMemory<byte>.Empty, responseType, cancellationToken);

    private Task<TResponse> RequestAsync<TRequest, TResponse>(string api, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendApiRequestAsync(api, JsonSerializer.SerializeToUtf8Bytes(request, requestType), responseType, cancellationToken);

    private async Task<TResponse> SendApiRequestAsync<TResponse>(string api, ReadOnlyMemory<byte> payload, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var subject = ApiSubject(api);
        NatsMsg reply;
        try
        {
            reply = await Connection.RequestAsync(subject, payload, timeout: RequestTimeout, ct: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsNoRespondersException ex)
        {
            throw new JetStreamNotEnabledException(subject, ex);
        }
        return ParseApiResponse(reply, subject, responseType);
    }

    internal static TResponse ParseApiResponse<TResponse>(NatsMsg reply, string subject, JsonTypeInfo<TResponse> responseType)
    {
        if (reply.Data.IsEmpty)
            throw new NatsProtocolException($"JetStream answered '{subject}' with an empty message{(reply.StatusCode is int s ? $" (status {s} {reply.Headers?.StatusDescription})" : "")}.");
        try
        {
            var envelope = JsonSerializer.Deserialize(reply.Data.Span, Json.ApiErrorEnvelope);
            if (envelope?.Error is { } error)
                throw new JetStreamApiException(error.Code, error.ErrorCode, error.Description ?? "unknown error", subject);
            return JsonSerializer.Deserialize(reply.Data.Span, responseType)
                ?? throw new NatsProtocolException($"JetStream answered '{subject}' with JSON null.");
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"JetStream's answer to '{subject}' is not the expected JSON: {ex.Message}");
        }
    }
}
