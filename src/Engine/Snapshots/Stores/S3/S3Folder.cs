using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots.Stores.S3;

/// <summary>
/// The objects under <c>snapshot.s3.path</c> in <c>snapshot.s3.bucket</c>, through the AWS SDK. An object appears only
/// once its single PUT or its multipart upload completes. Uploads go in parts of at least <see cref="MinPartSize"/>,
/// one held in memory at a time, each signed with its SHA-256 so the server checks every byte it receives.
/// </summary>
internal sealed partial class S3Folder : IRemoteFolder
{
    private const int MinPartSize = 16 << 20;
    private const int MaxParts = 10_000;
    private const string DefaultRegion = "us-east-1";

    private readonly AmazonS3Client _client;
    private readonly S3Settings _settings;

    private S3Folder(AmazonS3Client client, S3Settings settings)
    {
        _client = client;
        _settings = settings;
    }

    public string Description => _settings.Description;

    /// <summary>
    /// Connects, finds the bucket's region, and checks that the credentials may list the bucket; a missing bucket is
    /// created, as the Go version creates it.
    /// </summary>
    /// <exception cref="SnapshotStoreUnavailableException">The endpoint cannot be reached, refuses the credentials, or the bucket cannot be made.</exception>
    public static async Task<S3Folder> OpenAsync(S3Settings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var region = AwsRegionOf(settings.Endpoint);
        if (region is null)
        {
            using var probe = CreateClient(settings, DefaultRegion);
            region = await FindRegionAsync(probe, settings, cancellationToken).ConfigureAwait(false);
        }
        var folder = new S3Folder(CreateClient(settings, region), settings);
        try
        {
            await folder.EnsureBucketAsync(region, logger, cancellationToken).ConfigureAwait(false);
            return folder;
        }
        catch
        {
            await folder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IReadOnlyList<RemoteFile>> ListAsync(CancellationToken cancellationToken)
    {
        var files = new List<RemoteFile>();
        var request = new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = _settings.Prefix, Delimiter = "/" };
        while (true)
        {
            var page = await CallAsync("list the objects", () => _client.ListObjectsV2Async(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
                files.Add(new RemoteFile(item.Key[_settings.Prefix.Length..], item.Size ?? 0));
            if (page.IsTruncated != true) return files;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task UploadAsync(string name, Stream content, long? size, CancellationToken cancellationToken)
    {
        var key = _settings.Prefix + name;
        var partSize = PartSize(size);
        // A byte more than a small content's size: reading less than the buffer holds shows the content ended.
        var buffer = new byte[size is { } known && known < partSize ? known + 1 : partSize];
        var filled = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (filled < buffer.Length)
        {
            await CallAsync($"upload {key}", () => _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _settings.Bucket,
                Key = key,
                InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                AutoCloseStream = false,
                UseChunkEncoding = false,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (buffer.Length < partSize) Array.Resize(ref buffer, partSize);
        await UploadInPartsAsync(key, content, buffer, filled, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DownloadAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        var key = _settings.Prefix + name;
        GetObjectResponse response;
        try
        {
            response = await CallAsync($"download {key}", () => _client.GetObjectAsync(_settings.Bucket, key, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotStoreUnavailableException ex) when (ex.InnerException is AmazonS3Exception { ErrorCode: "NoSuchKey" })
        {
            return false;
        }
        using (response)
        {
            try
            {
                await response.ResponseStream.CopyToAsync(destination, 1 << 20, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new SnapshotStoreUnavailableException($"Downloading {key} from the {Description} broke off: {ex.Message}", ex);
            }
        }
        return true;
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        CallAsync($"delete {_settings.Prefix + name}", () => _client.DeleteObjectAsync(_settings.Bucket, _settings.Prefix + name, cancellationToken), cancellationToken);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task UploadInPartsAsync(string key, Stream content, byte[] buffer, int filled, CancellationToken cancellationToken)
    {
        var upload = await CallAsync($"start uploading {key}", () => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _settings.Bucket,
            Key = key,
        }, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            while (filled > 0)
            {
                var number = parts.Count + 1;
                if (number > MaxParts)
                    throw new SnapshotStoreUnavailableException($"Uploading {key} to the {Description} needs more than {MaxParts} parts of {buffer.Length} bytes; S3 takes no more.");
                var part = await CallAsync($"upload part {number} of {key}", () => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _settings.Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    UseChunkEncoding = false,
                }, cancellationToken), cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(number, part.ETag));
                filled = filled < buffer.Length ? 0 : await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            await CallAsync($"finish uploading {key}", () => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _settings.Bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The parts of an unfinished upload are stored (and billed) until aborted.
            try { await _client.AbortMultipartUploadAsync(_settings.Bucket, key, upload.UploadId, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or IOException) { }
            throw;
        }
    }

    /// <summary>Parts big enough that a snapshot of <paramref name="size"/> bytes needs at most <see cref="MaxParts"/> of them.</summary>
    private static int PartSize(long? size)
    {
        if (size is not { } known) return MinPartSize;
        var needed = (known + MaxParts - 1) / MaxParts;
        return (int)Math.Min(Math.Max(MinPartSize, (needed + (1 << 20) - 1) >> 20 << 20), Array.MaxLength & ~((1 << 20) - 1));
    }

    private async Task EnsureBucketAsync(string region, ILogger logger, CancellationToken cancellationToken)
    {
        Task ProbeAsync() => CallAsync("list the bucket", () => _client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _settings.Bucket, Prefix = _settings.Prefix, Delimiter = "/" }, cancellationToken), cancellationToken);
        try
        {
            await ProbeAsync().ConfigureAwait(false);
            return;
        }
        catch (SnapshotStoreUnavailableException ex) when (ex.InnerException is AmazonS3Exception { ErrorCode: "NoSuchBucket" })
        {
        }
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _settings.Bucket, BucketRegionName = region == DefaultRegion ? null : region }, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Created the {Store} (snapshot.s3.bucket).", Description);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou")
        {
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyExists")
        {
            // Another node may have made it a moment ago (some servers then say "exists", not "yours"): usable if listable.
            try
            {
                await ProbeAsync().ConfigureAwait(false);
            }
            catch (SnapshotStoreUnavailableException)
            {
                throw new SnapshotStoreUnavailableException($"The {Description} belongs to someone else (bucket names are shared by every account of the server): choose another snapshot.s3.bucket.", ex);
            }
        }
        catch (Exception ex) when (IsServiceOrNetworkFailure(ex, cancellationToken))
        {
            throw new SnapshotStoreUnavailableException(
                $"The {Description} does not exist and could not be created ({Reason(ex)}). Create the bucket, or check snapshot.s3.bucket; "
                + $"the {_settings.Credentials} needs s3:CreateBucket to create it.", ex);
        }
    }

    /// <summary>Asks the bucket where it lives, as the Go client does for an endpoint that does not name a region.</summary>
    private static async Task<string> FindRegionAsync(AmazonS3Client probe, S3Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var location = await probe.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = settings.Bucket }, cancellationToken).ConfigureAwait(false);
            return location.Location?.Value switch
            {
                null or "" => DefaultRegion,
                "EU" => "eu-west-1",
                var name => name,
            };
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchBucket" or "AccessDenied" or "NotImplemented" or "MethodNotAllowed")
        {
            // Missing (created in the default region) or not for these credentials to ask: the default region.
            return DefaultRegion;
        }
        catch (Exception ex) when (IsServiceOrNetworkFailure(ex, cancellationToken))
        {
            throw Failure(settings, "find the bucket's region", ex);
        }
    }

    private async Task<T> CallAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsServiceOrNetworkFailure(ex, cancellationToken))
        {
            throw Failure(_settings, what, ex);
        }
    }

    private static bool IsServiceOrNetworkFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is AmazonServiceException or HttpRequestException or SocketException or IOException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>What failed, on which store, and what to check, in the words of <c>[snapshot.s3]</c>; never a secret.</summary>
    private static SnapshotStoreUnavailableException Failure(S3Settings settings, string what, Exception ex)
    {
        var where = settings.Description;
        var message = ex switch
        {
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "TokenRefreshRequired" or "AuthorizationHeaderMalformed" }
                or AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden, ErrorCode: null or "" or "Forbidden" } =>
                $"The {where} refused the credentials ({Reason(ex)}) when asked to {what}: {settings.Credentials.Check}.",
            AmazonS3Exception { ErrorCode: "AccessDenied" } =>
                $"The {where} denied access when asked to {what} ({Reason(ex)}): the {settings.Credentials} needs s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket; {settings.Credentials.Check}.",
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } =>
                $"The {where} does not exist (asked to {what}): check snapshot.s3.bucket, or create the bucket again.",
            AmazonS3Exception or AmazonServiceException { StatusCode: > 0 } =>
                $"The {where} answered an error when asked to {what}: {Reason(ex)}.",
            _ =>
                $"Cannot reach the {where} to {what}: {Reason(ex)}. Check snapshot.s3.endpoint, and snapshot.s3.use_ssl = {(settings.UseSsl ? "true" : "false")} (https or http must match the server).",
        };
        return new SnapshotStoreUnavailableException(message, ex);
    }

    private static string Reason(Exception ex) => ex switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } service => $"{(int)service.StatusCode} {code}: {service.Message.TrimEnd('.')}",
        AmazonServiceException { StatusCode: > 0 } service => $"HTTP {(int)service.StatusCode} {service.StatusCode}",
        _ => (ex.InnerException is { } inner && ex is not SocketException ? $"{ex.Message.TrimEnd('.')} ({inner.Message.TrimEnd('.')})" : ex.Message.TrimEnd('.')),
    };

    private static AmazonS3Client CreateClient(S3Settings settings, string region) => new(settings.Credentials.ToAws(), new AmazonS3Config
    {
        ServiceURL = settings.ServiceUrl.ToString(),
        AuthenticationRegion = region,
        // Path style everywhere but AWS, whose virtual hosts cannot serve a dotted bucket over https, as Go's client does.
        ForcePathStyle = !AwsHost().IsMatch(settings.ServiceUrl.Host) || settings.Bucket.Contains('.', StringComparison.Ordinal),
        // Checksums only where S3 demands them: S3-compatible servers that do not know the newer trailing checksums
        // would store their framing as data. Every part's SHA-256 is signed instead.
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>The region an AWS endpoint names (s3.eu-west-1.amazonaws.com, s3-eu-west-1.amazonaws.com), else null.</summary>
    private static string? AwsRegionOf(string endpoint)
    {
        var match = AwsRegionalHost().Match(endpoint.Split(':')[0]);
        return match.Success ? match.Groups["region"].Value : null;
    }

    [GeneratedRegex(@"(^|\.)amazonaws\.com(\.cn)?$", RegexOptions.IgnoreCase)]
    private static partial Regex AwsHost();

    [GeneratedRegex(@"^s3[.-](dualstack\.)?(?<region>[a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws\.com(\.cn)?$", RegexOptions.IgnoreCase)]
    private static partial Regex AwsRegionalHost();
}
