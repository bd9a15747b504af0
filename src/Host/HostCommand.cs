using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Snapshots;
using Microsoft.Extensions.Logging;
using HarmonyLite.Host.CommandLine;
using HarmonyLite.Host.Logging;

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
            _ => await RunReplicationAsync(arguments, loaded.Config, output, error, cancellationToken),
        };
    }

    private static async Task<int> PrintConfigurationAsync(HarmonyConfig config, TextWriter output)
    {
        await output.WriteLineAsync(config.ToJson());
        return ExitCodes.Success;
    }

    /// <summary>Running a node, -cleanup and -save-snapshot: each one engine call, errors reported as one line.</summary>
    private static async Task<int> RunReplicationAsync(HostArguments arguments, HarmonyConfig config, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var mode = arguments.Mode;
        using var loggerFactory = new LineLoggerFactory(config.Logging, error);
        try
        {
            return mode switch
            {
                HostMode.Cleanup => await CleanupAsync(config, error, cancellationToken),
                HostMode.SaveSnapshot => await SaveSnapshotAsync(config, loggerFactory, error, cancellationToken),
                HostMode.ClusterStatus => await PrintClusterStatusAsync(config, arguments.Json, output, cancellationToken),
                HostMode.WaitReplicated => await WaitReplicatedAsync(config, arguments.Timeout, error, cancellationToken),
                _ => await RunNodeAsync(config, loggerFactory, cancellationToken),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync(Prefix + "interrupted");
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync(Prefix + ex.Message);
            if (config.Logging.Verbose) await error.WriteLineAsync(ex.ToString());
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> RunNodeAsync(HarmonyConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        await using var node = await HarmonyNode.StartAsync(config, loggerFactory, cancellationToken);
        try
        {
            await node.Completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            loggerFactory.CreateLogger("HarmonyLite.Host").LogInformation("Shutting down");
            await node.StopAsync(CancellationToken.None);
        }
        return node.Completion.IsFaulted ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<int> CleanupAsync(HarmonyConfig config, TextWriter error, CancellationToken cancellationToken)
    {
        await using var capture = await CaptureInstaller.OpenAsync(config.DbPath, config.NodeId, null, cancellationToken);
        var removed = await capture.RemoveAsync(cancellationToken);
        await error.WriteLineAsync($"{Prefix}removed {removed} HarmonyLite objects from {config.DbPath}; user tables were not touched");
        return ExitCodes.Success;
    }

    private static async Task<int> PrintClusterStatusAsync(HarmonyConfig config, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var status = await ClusterStatusReader.ReadAsync(config, cancellationToken);
        await output.WriteAsync(json ? status.ToJson() + Environment.NewLine : ClusterStatusText.Format(status));
        return ExitCodes.Success;
    }

    /// <summary>What a CI step calls after writing: exit 0 once every live node applied it, 1 (naming who is behind) on timeout.</summary>
    private static async Task<int> WaitReplicatedAsync(HarmonyConfig config, TimeSpan timeout, TextWriter error, CancellationToken cancellationToken)
    {
        var result = await ReplicationWaiter.WaitAsync(config, timeout, "-timeout", null, cancellationToken);
        await error.WriteLineAsync($"{Prefix}node(s) {string.Join(", ", result.Nodes)} applied everything published "
            + $"({string.Join(", ", result.Shards.Select(s => $"{s.Stream} up to {s.Sequence}"))}) in {result.Elapsed.TotalSeconds:0.0} s"
            + (result.Stopped.Count > 0 ? $"; node(s) {string.Join(", ", result.Stopped)} stopped meanwhile and were not waited for" : ""));
        return ExitCodes.Success;
    }

    /// <summary>What scheduled tasks call: exit 0 only when the snapshot was uploaded and verified in the store.</summary>
    private static async Task<int> SaveSnapshotAsync(HarmonyConfig config, ILoggerFactory loggerFactory, TextWriter error, CancellationToken cancellationToken)
    {
        await using var snapshots = await SnapshotService.OpenAsync(config, loggerFactory, cancellationToken);
        var saved = await snapshots.SaveAsync(cancellationToken);
        await error.WriteLineAsync($"{Prefix}saved snapshot {saved.Id} ({saved.Size} bytes, sha256 {saved.Sha256}) to the {snapshots.Store.Description}");
        return ExitCodes.Success;
    }
}
