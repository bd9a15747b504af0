namespace HarmonyLite.Nats.Tests.Core;

/// <summary>Connections for tests: short timeouts so a failure shows quickly instead of hanging.</summary>
internal static class Connect
{
    public static NatsOptions Options(string url) => new()
    {
        Urls = [url],
        Name = "harmonylite-tests",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(5),
        ReconnectWait = TimeSpan.FromMilliseconds(100),
        ReconnectJitter = TimeSpan.FromMilliseconds(20),
    };

    public static Task<NatsConnection> ToAsync(string url, Func<NatsOptions, NatsOptions>? configure = null) =>
        NatsConnection.ConnectAsync(configure is null ? Options(url) : configure(Options(url)));
}
