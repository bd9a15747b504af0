using HarmonyLite.Engine.Configuration.Settings;
using HarmonyLite.Engine.Configuration.Toml;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Loads a node's configuration as Go HarmonyLite does: the file's keys over the defaults, then the
/// command-line overrides, then derived values (node id, seq map path, snapshot bucket), then validation.
/// Every setting is parsed here, once, into a typed value; paths are absolute.
/// </summary>
public static class ConfigurationLoader
{
    /// <summary>
    /// Loads <paramref name="path"/>; with no path (no <c>-config</c>) the defaults are used, as in Go HarmonyLite.
    /// <paramref name="pathOption"/> names where the path came from in messages (<c>-ConfigPath</c> for a cmdlet).
    /// </summary>
    /// <exception cref="ConfigurationException">The file is missing, unreadable, not TOML, or has a bad or unsupported setting.</exception>
    public static LoadedConfiguration Load(
        string? path, ConfigurationOverrides? overrides = null, MachineIdentity? machine = null, string pathOption = "-config")
    {
        if (string.IsNullOrEmpty(path))
        {
            return Complete(new HarmonyConfig(), "defaults", _ => null, [], overrides, machine);
        }
        if (Directory.Exists(path))
        {
            throw new ConfigurationException(path, null, pathOption, "is a directory, not a configuration file; give the path of the node's TOML file");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigurationException(path, null, pathOption, "the configuration file does not exist; check the path", error);
        }
        catch (Exception error) when (error is UnauthorizedAccessException)
        {
            throw new ConfigurationException(path, null, pathOption,
                "the configuration file cannot be read: permission denied; let the user that runs the node read it", error);
        }
        catch (Exception error) when (error is IOException)
        {
            throw new ConfigurationException(path, null, pathOption, $"the configuration file cannot be read: {error.Message}", error);
        }
        return Parse(bytes, path, overrides, machine);
    }

    /// <summary>Loads a configuration from UTF-8 TOML; <paramref name="origin"/> names it in messages.</summary>
    public static LoadedConfiguration Parse(ReadOnlySpan<byte> toml, string origin, ConfigurationOverrides? overrides = null, MachineIdentity? machine = null)
    {
        TomlTable document;
        try
        {
            document = TomlReader.Read(toml);
        }
        catch (TomlReadException error)
        {
            throw new ConfigurationException(origin, error.Line, null, $"column {error.Column}: {error.Reason}", error);
        }
        var binder = new ConfigurationBinder(origin);
        var config = binder.Bind(document);
        return Complete(config, origin, binder.LineOf, binder.Warnings, overrides, machine);
    }

    private static LoadedConfiguration Complete(
        HarmonyConfig config,
        string origin,
        Func<string, int?> lineOf,
        IReadOnlyList<ConfigurationWarning> warnings,
        ConfigurationOverrides? overrides,
        MachineIdentity? machine)
    {
        var notices = new List<string>();
        overrides ??= new ConfigurationOverrides();
        if (overrides.NodeId is < 0)
        {
            throw new ConfigurationException(ClusterOptionsParser.Origin, null, "-node-id", $"{overrides.NodeId} is negative; node ids are positive integers");
        }
        if (overrides.NodeId is > 0)
        {
            config = config with { NodeId = overrides.NodeId.Value };
        }
        config = config with
        {
            Cluster = ClusterOptionsParser.Parse(overrides),
            HealthCheck = ApplyHealthFlags(config.HealthCheck, overrides),
        };
        ClusterOptionsParser.Validate(config);

        if (config.NodeId == 0)
        {
            machine ??= MachineIdentity.Current;
            var (id, source) = machine.Read() ?? throw new ConfigurationException(origin, null, "node_id",
                $"not set, and none can be derived: no machine id in {string.Join(" or ", machine.MachineIdFiles)} and no host name; set node_id or pass -node-id");
            config = config with { NodeId = NodeIdDerivation.FromMachineId(id) };
            notices.Add($"node_id not set; derived {config.NodeId} from {source}");
        }
        if (config.SeqMapPath.Length == 0)
        {
            // As Go HarmonyLite: next to the database.
            var dataDirectory = Path.GetDirectoryName(config.DbPath) ?? Path.GetTempPath();
            config = config with { SeqMapPath = Path.Combine(dataDirectory, "seq-map.cbor") };
        }
        if (config.Snapshot.Nats.Bucket.Length == 0)
        {
            config = config with { Snapshot = config.Snapshot with { Nats = config.Snapshot.Nats with { Bucket = config.Nats.StreamPrefix + "-snapshot-store" } } };
        }
        ConfigurationValidator.Validate(config, origin, lineOf);
        return new LoadedConfiguration(config, warnings, notices);
    }

    // As in Go HarmonyLite, a -health-* flag given wins over its key in the file.
    private static HealthCheckConfig ApplyHealthFlags(HealthCheckConfig health, ConfigurationOverrides overrides)
    {
        if (overrides.HealthCheck is { } enable) health = health with { Enable = enable };
        if (overrides.HealthBind is { } bindText)
        {
            var bind = HostPort.TryParse(bindText, out _);
            var problem = bind is null
                ? "expected host:port, for example 127.0.0.1:8090 (0.0.0.0:8090: every interface)"
                : Settings.HostPortSettingType.HttpListenProblem(bind.Value) ?? "";
            if (problem.Length > 0)
                throw new ConfigurationException(ClusterOptionsParser.Origin, null, "-health-bind",
                    $"\"{bindText}\": {problem}");
            health = health with { Bind = bind!.Value };
        }
        if (overrides.HealthPath is { } path)
        {
            if (Settings.ConfigurationSchema.HealthPathProblem(path) is { } problem)
                throw new ConfigurationException(ClusterOptionsParser.Origin, null, "-health-path", problem);
            health = health with { Path = path };
        }
        return health;
    }
}
