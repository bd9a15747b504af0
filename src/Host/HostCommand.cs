using HarmonyLite.Engine.Configuration;
using HarmonyLite.Host.CommandLine;

namespace HarmonyLite.Host;

/// <summary>
/// One run of <c>harmonylite</c>: parse the flags, load the configuration, then one method per mode.
/// Everything the operator should read goes to <paramref name="error"/>; only requested output goes to <paramref name="output"/>.
/// </summary>
public static class HostCommand
{
    private const string Prefix = "harmonylite: ";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        HostArguments arguments;
        try
        {
            arguments = HostArguments.Parse(args);
        }
        catch (HostUsageException usage)
        {
            await error.WriteLineAsync(Prefix + usage.Message);
            await error.WriteLineAsync("Run 'harmonylite --help' for the list of flags.");
            return ExitCodes.Usage;
        }

        switch (arguments.Mode)
        {
            case HostMode.Help:
                await output.WriteAsync(HostUsage.Text());
                return ExitCodes.Success;
            case HostMode.Version:
                await output.WriteLineAsync(HostUsage.Version());
                return ExitCodes.Success;
        }

        LoadedConfiguration loaded;
        try
        {
            loaded = ConfigurationLoader.Load(arguments.ConfigPath, arguments.ToOverrides());
        }
        catch (ConfigurationException invalid)
        {
            await error.WriteLineAsync(Prefix + invalid.Message);
            return ExitCodes.Usage;
        }
        foreach (var warning in loaded.Warnings)
        {
            await error.WriteLineAsync($"{Prefix}warning: {warning}");
        }
        foreach (var notice in loaded.Notices)
        {
            await error.WriteLineAsync(Prefix + notice);
        }

        return arguments.Mode switch
        {
            HostMode.PrintConfig => await PrintConfigurationAsync(loaded.Config, output),
            _ => await RunReplicationAsync(arguments.Mode, loaded.Config, error, cancellationToken),
        };
    }

    private static async Task<int> PrintConfigurationAsync(HarmonyConfig config, TextWriter output)
    {
        await output.WriteLineAsync(config.ToJson());
        return ExitCodes.Success;
    }

    /// <summary>Running a node, -cleanup and -save-snapshot: the replication engine is not part of this build yet.</summary>
    private static async Task<int> RunReplicationAsync(HostMode mode, HarmonyConfig config, TextWriter error, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var what = mode switch
        {
            HostMode.Cleanup => "-cleanup",
            HostMode.SaveSnapshot => "-save-snapshot",
            _ => $"running node {config.NodeId}",
        };
        await error.WriteLineAsync($"{Prefix}the replication node is not available in this build ({what}); -print-config, --version and --help work");
        return ExitCodes.Failure;
    }
}
