using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.NKeys;

namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// The NATS.Net options of a node's connection, made from its <c>[nats]</c> settings, with every file checked first
/// so that a missing or malformed one is reported by its key and path, not by what the client makes of it.
/// </summary>
internal sealed class NatsClientOptions
{
    private NatsClientOptions(IReadOnlyList<NatsServerUrl> servers, NatsOpts options, string credentials, string? seedPublicKey, bool configuredUrls)
    {
        Servers = servers;
        Options = options;
        Credentials = credentials;
        SeedPublicKey = seedPublicKey;
        ConfiguredUrls = configuredUrls;
    }

    public IReadOnlyList<NatsServerUrl> Servers { get; }

    public NatsOpts Options { get; }

    /// <summary>Where the credentials sent come from, in config words, for errors: "nats.user_name and nats.user_password".</summary>
    public string Credentials { get; }

    /// <summary>The public key of the <c>nats.seed_file</c> seed, the one a server's authorization must list.</summary>
    public string? SeedPublicKey { get; }

    /// <summary>True when the servers are <c>nats.urls</c>; false for the embedded server's client URL.</summary>
    public bool ConfiguredUrls { get; }

    /// <exception cref="MessagingSettingsException">A setting that cannot be used; the message names its key and file.</exception>
    public static NatsClientOptions Create(HarmonyConfig config, IReadOnlyList<string> urls, ILoggerFactory? loggerFactory)
    {
        var nats = config.Nats;
        if (urls.Count == 0) throw new MessagingSettingsException("nats.urls", "No NATS server to connect to: set nats.urls, or leave it empty to run the embedded server.");
        var servers = urls.Select(u => NatsServerUrl.Parse(u, "nats.urls")).ToList();

        var auth = NatsAuthOpts.Default;
        var credentials = "no credentials";
        string? publicKey = null;
        var inUrl = servers.FirstOrDefault(s => s.User is not null || s.Token is not null);
        if (nats.UserName.Length > 0 || nats.UserPassword.Length > 0)
        {
            auth = auth with { Username = nats.UserName, Password = nats.UserPassword };
            credentials = "nats.user_name and nats.user_password";
        }
        else if (inUrl?.Token is { } token)
        {
            auth = auth with { Token = token };
            credentials = "the token in nats.urls";
        }
        else if (inUrl?.User is { } user)
        {
            auth = auth with { Username = user, Password = inUrl.Password };
            credentials = "the user:password in nats.urls";
        }
        if (nats.SeedFile.Length > 0)
        {
            var (seed, key) = ReadSeed(Path.GetFullPath(nats.SeedFile));
            auth = auth with { Seed = seed, NKey = key };
            publicKey = key;
            credentials = credentials == "no credentials" ? $"the nkey seed in nats.seed_file {Path.GetFullPath(nats.SeedFile)}" : credentials + " and nats.seed_file";
        }

        var tls = NatsTlsOpts.Default;
        if (nats.CaFile.Length > 0) tls = tls with { CaFile = CheckCaFile(Path.GetFullPath(nats.CaFile)) };
        if (nats.CertFile.Length > 0 || nats.KeyFile.Length > 0)
        {
            var (cert, key) = CheckClientCertificate(nats.CertFile, nats.KeyFile);
            tls = tls with { CertFile = cert, KeyFile = key };
        }

        var options = NatsOpts.Default with
        {
            Url = string.Join(",", servers.Select(s => s.Url)),
            Name = MessagingConnector.NodeName(config.NodeId),
            AuthOpts = auth,
            TlsOpts = tls,
            LoggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            // Servers are tried in the configured order, as Go HarmonyLite does; reconnecting never gives up.
            NoRandomize = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = nats.ReconnectWait,
            ReconnectWaitMax = nats.ReconnectWait,
            ReconnectJitter = TimeSpan.FromMilliseconds(100),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(5),
            // Comfortably above what a consumer may have in flight (ReplicationLog.MaxInFlight): a full buffer drops.
            SubPendingChannelCapacity = 4096,
        };
        return new NatsClientOptions(servers, options, credentials, publicKey, configuredUrls: urls.SequenceEqual(nats.Urls));
    }

    private static (string Seed, string PublicKey) ReadSeed(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MessagingSettingsException("nats.seed_file", $"nats.seed_file {path} cannot be read: {ex.Message} Check the path and that this user may read the file.", ex);
        }
        // An nkey seed file holds the seed alone or inside the -----BEGIN USER NKEY SEED----- block nsc writes.
        var seed = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("SU", StringComparison.Ordinal));
        if (seed is null)
            throw new MessagingSettingsException("nats.seed_file", $"nats.seed_file {path} holds no nkey user seed (a line starting with SU). Write the seed nsc or nk -gen user made into it.");
        try
        {
            using var pair = KeyPair.FromSeed(seed.AsSpan());
            return (seed, pair.GetPublicKey());
        }
        catch (Exception ex) when (ex is NKeysException or ArgumentException or FormatException)
        {
            throw new MessagingSettingsException("nats.seed_file", $"nats.seed_file {path} holds no valid nkey user seed ({ex.Message}). Write the seed nsc or nk -gen user made into it.", ex);
        }
    }

    private static string CheckCaFile(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new MessagingSettingsException("nats.ca_file", $"nats.ca_file {path} cannot be read as PEM certificates: {ex.Message} Check the path and that it holds the CA certificate that signed the NATS server's certificate.", ex);
        }
        if (certificates.Count == 0)
            throw new MessagingSettingsException("nats.ca_file", $"nats.ca_file {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Give it the CA certificate that signed the NATS server's certificate.");
        return path;
    }

    private static (string Cert, string Key) CheckClientCertificate(string certFile, string keyFile)
    {
        if (certFile.Length == 0 || keyFile.Length == 0)
        {
            var (missing, given) = certFile.Length == 0 ? ("nats.cert_file", "nats.key_file") : ("nats.key_file", "nats.cert_file");
            throw new MessagingSettingsException(missing, $"{given} is set but {missing} is not: a TLS client certificate needs both nats.cert_file (the certificate) and nats.key_file (its private key).");
        }
        var (cert, key) = (Path.GetFullPath(certFile), Path.GetFullPath(keyFile));
        foreach (var (setting, file) in new[] { ("nats.cert_file", cert), ("nats.key_file", key) })
        {
            try
            {
                using var _ = File.OpenRead(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new MessagingSettingsException(setting, $"{setting} {file} cannot be read: {ex.Message} Check the path and that this user may read the file.", ex);
            }
        }
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(cert, key);
        }
        catch (CryptographicException ex)
        {
            throw new MessagingSettingsException("nats.cert_file", $"nats.cert_file {cert} and nats.key_file {key} are not a PEM certificate and its private key: {ex.Message}", ex);
        }
        return (cert, key);
    }
}
