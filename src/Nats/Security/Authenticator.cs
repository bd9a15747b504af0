using HarmonyLite.Nats.Connection;
using HarmonyLite.Nats.Protocol;

namespace HarmonyLite.Nats.Security;

/// <summary>
/// Fills the CONNECT credentials for a server. Precedence: a .creds file (JWT + nonce signature),
/// an NKey seed (public key + nonce signature), then user/password or token from the URL, then from the options.
/// </summary>
internal sealed class Authenticator
{
    private readonly NatsOptions _options;
    private readonly NKeyPair? _nkey;
    private readonly string? _jwt;

    public Authenticator(NatsOptions options)
    {
        _options = options;
        if (options.CredsFile is not null)
        {
            var creds = CredsFile.Load(options.CredsFile);
            _jwt = creds.Jwt;
            _nkey = creds.Seed;
        }
        else if (options.NKeySeed is not null)
        {
            _nkey = NKeyPair.FromSeed(options.NKeySeed, "NatsOptions.NKeySeed");
        }
        else if (options.NKeySeedFile is not null)
        {
            _nkey = NKeyPair.FromSeed(ReadSeedFile(options.NKeySeedFile), $"the NKey seed file '{options.NKeySeedFile}'");
        }
    }

    public ConnectRequest CreateConnect(ServerAddress address, ServerAddress? fallbackCredentials, NatsServerInfo info, bool tls, string version)
    {
        var request = new ConnectRequest { Name = _options.Name, Version = version, TlsRequired = tls };
        if (_nkey is not null)
        {
            if (string.IsNullOrEmpty(info.Nonce))
                throw new NatsConnectionException($"The server {address} sent no nonce to sign, so NKey/JWT authentication cannot proceed. Is authorization with nkeys or an operator configured on it?");
            var signature = _nkey.SignNonce(info.Nonce);
            return _jwt is not null
                ? request with { Jwt = _jwt, Signature = signature }
                : request with { NKey = _nkey.PublicKey, Signature = signature };
        }
        var source = address.User is not null || address.Token is not null ? address
            : address.IsDiscovered ? fallbackCredentials : null;
        if (source?.User is not null) return request with { User = source.User, Password = source.Password };
        if (source?.Token is not null) return request with { AuthToken = source.Token };
        if (_options.User is not null) return request with { User = _options.User, Password = _options.Password };
        if (_options.Token is not null) return request with { AuthToken = _options.Token };
        return request;
    }

    private static string ReadSeedFile(string path)
    {
        try
        {
            var seed = File.ReadAllLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith('S'));
            return seed ?? throw new ArgumentException($"The NKey seed file '{path}' holds no seed (a line starting with 'S').");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the NKey seed file '{path}': {ex.Message}", ex);
        }
    }
}
