namespace HarmonyLite.Nats.Connection;

/// <summary>Classifies the server's -ERR texts.</summary>
internal static class ServerErrors
{
    /// <summary>Credentials were refused or expired: "Authorization Violation", "User Authentication Expired", ...</summary>
    public static bool IsAuthorization(string message) =>
        message.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("Authentication Expired", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("Authentication Revoked", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("Account Expired", StringComparison.OrdinalIgnoreCase);

    public static bool IsStaleConnection(string message) =>
        message.Contains("Stale Connection", StringComparison.OrdinalIgnoreCase);

    /// <summary>A -ERR after which the server keeps the connection open.</summary>
    public static bool IsNonFatal(string message) =>
        message.StartsWith("Permissions Violation", StringComparison.OrdinalIgnoreCase) ||
        message.StartsWith("Invalid Subject", StringComparison.OrdinalIgnoreCase) ||
        message.StartsWith("Invalid Queue Name", StringComparison.OrdinalIgnoreCase);
}
