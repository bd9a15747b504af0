namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// The configuration cannot be used. The message names the file (or "command line"), the line when known,
/// and the key, e.g. <c>node-1.toml:7: replication_log.shards: expected an integer from 1 to 1024, got "two"</c>.
/// </summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string origin, int? line, string? key, string problem, Exception? innerException = null)
        : this(Format(origin, line, key, problem), origin, line, key, problem, innerException)
    {
    }

    private ConfigurationException(string message, string origin, int? line, string? key, string problem, Exception? innerException)
        : base(message, innerException)
    {
        Origin = origin;
        Line = line;
        Key = key;
        Problem = problem;
    }

    /// <summary>
    /// A setting this version parses but cannot honour, e.g.
    /// <c>node.toml:3: snapshot.store = "s3" is not supported by this version; use "nats" or "file"</c>.
    /// </summary>
    public static ConfigurationException Unsupported(string origin, int? line, string key, string shownValue, string advice)
    {
        var problem = $"{key} = {shownValue} is not supported by this version; {advice}";
        return new ConfigurationException(Format(origin, line, null, problem), origin, line, key, problem, null);
    }

    /// <summary>The configuration file as given, or <c>command line</c> for a bad flag.</summary>
    public string Origin { get; }

    /// <summary>The 1-based line in <see cref="Origin"/>, when the problem has one.</summary>
    public int? Line { get; }

    /// <summary>The dotted TOML key (or the flag) at fault, when there is one.</summary>
    public string? Key { get; }

    /// <summary>What is wrong and what to do, without the location.</summary>
    public string Problem { get; }

    private static string Format(string source, int? line, string? key, string problem) =>
        $"{source}{(line is null ? "" : $":{line}")}: {(key is null ? "" : $"{key}: ")}{problem}";
}
