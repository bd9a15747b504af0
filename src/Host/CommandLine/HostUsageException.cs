namespace HarmonyLite.Host.CommandLine;

/// <summary>The command line is wrong (unknown flag, missing value, bad value); the process exits with 2.</summary>
public sealed class HostUsageException(string message) : Exception(message);
