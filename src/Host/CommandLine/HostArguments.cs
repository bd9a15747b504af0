using System.Globalization;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Host.CommandLine;

/// <summary>The parsed command line of <c>harmonylite</c>.</summary>
public sealed record HostArguments
{
    public string? ConfigPath { get; init; }

    public long? NodeId { get; init; }

    public string? ClusterAddress { get; init; }

    public string? ClusterPeers { get; init; }

    public string? LeafServers { get; init; }

    public bool? HealthCheck { get; init; }

    public string? HealthBind { get; init; }

    public string? HealthPath { get; init; }

    public bool Cleanup { get; init; }

    public bool SaveSnapshot { get; init; }

    public bool PrintConfig { get; init; }

    public bool ShowVersion { get; init; }

    public bool ShowHelp { get; init; }

    public bool ClusterStatus { get; init; }

    public bool WaitReplicated { get; init; }

    /// <summary><c>-json</c>: machine-readable output.</summary>
    public bool Json { get; init; }

    /// <summary><c>-timeout</c>: how long <c>-wait-replicated</c> waits.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>What to do; when several mode flags are given, the first here wins (Go checks -cleanup before -save-snapshot).</summary>
    public HostMode Mode =>
        ShowHelp ? HostMode.Help
        : ShowVersion ? HostMode.Version
        : PrintConfig ? HostMode.PrintConfig
        : Cleanup ? HostMode.Cleanup
        : SaveSnapshot ? HostMode.SaveSnapshot
        : ClusterStatus ? HostMode.ClusterStatus
        : WaitReplicated ? HostMode.WaitReplicated
        : HostMode.Run;

    public ConfigurationOverrides ToOverrides() => new()
    {
        NodeId = NodeId,
        ClusterAddress = ClusterAddress,
        ClusterPeers = ClusterPeers,
        LeafServers = LeafServers,
        HealthCheck = HealthCheck,
        HealthBind = HealthBind,
        HealthPath = HealthPath,
    };

    /// <summary>
    /// Reads flags as Go's flag package does: <c>-flag value</c>, <c>-flag=value</c>, one or two dashes,
    /// booleans without a separate value, the last of a repeated flag wins, <c>--</c> ends the flags.
    /// </summary>
    /// <exception cref="HostUsageException">An unknown or refused flag, a missing or bad value, or a stray argument.</exception>
    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                if (i + 1 < args.Count)
                {
                    throw new HostUsageException($"unexpected argument '{args[i + 1]}'; harmonylite takes only flags");
                }
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                throw new HostUsageException($"unexpected argument '{arg}'; harmonylite takes only flags");
            }
            var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            if (body.Length == 0 || body[0] is '-' or '=')
            {
                throw new HostUsageException($"bad flag syntax: {arg}");
            }
            var equals = body.IndexOf('=');
            var name = equals < 0 ? body : body[..equals];
            var value = equals < 0 ? null : body[(equals + 1)..];
            var flag = HostFlags.Find(name) ?? throw new HostUsageException($"flag provided but not defined: -{name}");
            if (flag.Kind == HostFlagKind.Boolean)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new HostUsageException($"flag needs an argument: -{name}");
                }
                value = args[++i];
            }
            if (flag.UnsupportedReason is not null)
            {
                throw new HostUsageException($"-{flag.Name} is not supported by this version: {flag.UnsupportedReason}");
            }
            values[flag.Name] = value;
        }
        return new HostArguments
        {
            ConfigPath = values.GetValueOrDefault(HostFlags.Config),
            NodeId = Unsigned(values, HostFlags.NodeId),
            ClusterAddress = values.GetValueOrDefault(HostFlags.ClusterAddr),
            ClusterPeers = values.GetValueOrDefault(HostFlags.ClusterPeers),
            LeafServers = values.GetValueOrDefault(HostFlags.LeafServers),
            HealthCheck = values.ContainsKey(HostFlags.HealthCheck) ? Boolean(values, HostFlags.HealthCheck) : null,
            HealthBind = values.GetValueOrDefault(HostFlags.HealthBind),
            HealthPath = values.GetValueOrDefault(HostFlags.HealthPath),
            Cleanup = Boolean(values, HostFlags.Cleanup),
            SaveSnapshot = Boolean(values, HostFlags.SaveSnapshot),
            PrintConfig = Boolean(values, HostFlags.PrintConfig),
            ShowVersion = Boolean(values, HostFlags.Version),
            ShowHelp = Boolean(values, HostFlags.Help),
            ClusterStatus = Boolean(values, HostFlags.ClusterStatus),
            WaitReplicated = Boolean(values, HostFlags.WaitReplicated),
            Json = Boolean(values, HostFlags.Json),
            Timeout = Duration(values, HostFlags.Timeout) ?? DefaultTimeout,
        };
    }

    /// <summary>Go's strconv.ParseBool spellings.</summary>
    private static bool Boolean(Dictionary<string, string> values, string name)
    {
        if (!values.TryGetValue(name, out var value))
        {
            return false;
        }
        return value switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw new HostUsageException($"invalid boolean value \"{value}\" for -{name}; use -{name} or -{name}=false"),
        };
    }

    /// <summary>A Go duration with one unit (500ms, 90s, 2m, 1h), or a number of seconds.</summary>
    private static TimeSpan? Duration(Dictionary<string, string> values, string name)
    {
        if (!values.TryGetValue(name, out var value)) return null;
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 0.001)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : value.EndsWith('m') ? (value[..^1], 60.0)
            : value.EndsWith('h') ? (value[..^1], 3600.0)
            : (value, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount * unit > 86_400 * 365)
            throw new HostUsageException($"invalid value \"{value}\" for -{name}: expected a duration such as 90s, 2m or 500ms");
        return TimeSpan.FromSeconds(amount * unit);
    }

    private static long? Unsigned(Dictionary<string, string> values, string name)
    {
        if (!values.TryGetValue(name, out var value))
        {
            return null;
        }
        if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new HostUsageException($"invalid value \"{value}\" for -{name}: expected a whole number");
        }
        if (number > long.MaxValue)
        {
            throw new HostUsageException($"invalid value \"{value}\" for -{name}: node ids go up to {long.MaxValue}");
        }
        return (long)number;
    }
}
