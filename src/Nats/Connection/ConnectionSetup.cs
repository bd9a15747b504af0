using HarmonyLite.Nats.Security;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.Connection;

/// <summary>What every connection attempt of one <see cref="NatsConnection"/> shares: options, credentials, TLS and logging.</summary>
internal sealed record ConnectionSetup(NatsOptions Options, Authenticator Authenticator, TlsUpgrade Tls, ILogger Logger, string ClientVersion);
