using System.Reflection;
using System.Text;

namespace HarmonyLite.Host.CommandLine;

/// <summary>The help and version texts.</summary>
public static class HostUsage
{
    public static string Text()
    {
        var supported = HostFlags.All.Where(flag => flag.UnsupportedReason is null).ToList();
        var unsupported = HostFlags.All.Where(flag => flag.UnsupportedReason is not null).ToList();
        var width = HostFlags.All.Max(flag => flag.Synopsis.Length) + 2;
        var text = new StringBuilder();
        text.AppendLine("Usage: harmonylite [flags]");
        text.AppendLine();
        text.AppendLine("Replicates a SQLite database between nodes over NATS JetStream, with the flags and");
        text.AppendLine("config.toml of Go HarmonyLite. Flags take one or two dashes, and a value after a space");
        text.AppendLine("or '=': -config node.toml, --config=node.toml. Boolean flags take no separate value:");
        text.AppendLine("-cleanup or -cleanup=true.");
        text.AppendLine();
        text.AppendLine("Flags:");
        foreach (var flag in supported)
        {
            text.AppendLine($"  {flag.Synopsis.PadRight(width)}{flag.Description}");
        }
        text.AppendLine();
        text.AppendLine("Flags of Go HarmonyLite that this version refuses:");
        foreach (var flag in unsupported)
        {
            text.AppendLine($"  {flag.Synopsis.PadRight(width)}{flag.UnsupportedReason}");
        }
        text.AppendLine();
        text.AppendLine("Exit codes: 0 success, 1 failure, 2 bad flags or configuration.");
        return text.ToString();
    }

    public static string Version()
    {
        var assembly = typeof(HostUsage).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
        return $"harmonylite {version} (HarmonyLite for PowerShell)";
    }
}
