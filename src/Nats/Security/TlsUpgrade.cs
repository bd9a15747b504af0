using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HarmonyLite.Nats.Connection;

namespace HarmonyLite.Nats.Security;

/// <summary>
/// Turns the plaintext socket into TLS after the server's INFO (NATS 2.9 sends INFO in the clear, then
/// expects the client to start TLS), with an optional private CA and client certificate from PEM files.
/// </summary>
internal sealed class TlsUpgrade
{
    private readonly X509Certificate2Collection? _trustedRoots;
    private readonly X509Certificate2? _clientCertificate;

    public TlsUpgrade(NatsOptions options)
    {
        if (options.CaFile is not null)
        {
            _trustedRoots = new X509Certificate2Collection();
            try { _trustedRoots.ImportFromPemFile(options.CaFile); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ArgumentException($"Cannot read the CA certificates in NatsOptions.CaFile '{options.CaFile}': {ex.Message}", ex);
            }
            if (_trustedRoots.Count == 0)
                throw new ArgumentException($"NatsOptions.CaFile '{options.CaFile}' holds no PEM certificate.");
        }
        if (options.CertFile is not null && options.KeyFile is not null)
        {
            try { _clientCertificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ArgumentException($"Cannot load the client certificate '{options.CertFile}' with key '{options.KeyFile}': {ex.Message}", ex);
            }
        }
    }

    /// <summary>TLS is configured on the client side (a CA or a client certificate), so it is used even if the server does not demand it.</summary>
    public bool IsConfigured => _trustedRoots is not null || _clientCertificate is not null;

    public async Task<SslStream> UpgradeAsync(Stream plain, ServerAddress address, CancellationToken ct)
    {
        var ssl = new SslStream(plain, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = address.Host,
                ClientCertificates = _clientCertificate is null ? null : new X509CertificateCollection { _clientCertificate },
                RemoteCertificateValidationCallback = _trustedRoots is null ? null : ValidateWithPrivateCa,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new NatsConnectionException($"TLS handshake with {address} failed: {ex.Message}. Check NatsOptions.CaFile/CertFile/KeyFile and the server's tls block.", ex);
        }
    }

    private bool ValidateWithPrivateCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
