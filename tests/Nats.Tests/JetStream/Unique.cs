namespace HarmonyLite.Nats.Tests.JetStream;

/// <summary>Names unique per test, so tests sharing a server never see each other's streams.</summary>
internal static class Unique
{
    public static string Name(string prefix) => $"{prefix}_{Guid.NewGuid().ToString("N")[..10]}";
}
