using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Completion;

/// <summary>
/// Completes a snapshot <c>-Id</c> with the ids in the store of the node the command line names (<c>-Node</c>,
/// <c>-ConfigPath</c> or <c>-LiteralPath</c>), newest first. Offers nothing when the store cannot be read quickly.
/// </summary>
public sealed class SnapshotIdCompleter : IArgumentCompleter
{
    /// <summary>How long a Tab may wait for the store.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var pattern = CompletionPattern.For(wordToComplete);
            return List(fakeBoundParameters)
                .Where(s => pattern.IsMatch(s.Id))
                .Select(s => new CompletionResult(s.Id, s.Id, CompletionResultType.ParameterValue,
                    $"{s.Id}: node {s.NodeId}, {s.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}, {s.Size} bytes"))
                .ToList();
        }
        catch (Exception)
        {
            // Completion is a convenience: a store that cannot be reached offers nothing rather than an error mid-typing.
            return [];
        }
    }

    private static IReadOnlyList<SnapshotMetadata> List(IDictionary bound)
    {
        var registry = SessionNodeRegistry.OfCurrentRunspace();
        var node = NodeOf(bound["Node"]);
        var config = node?.EngineConfig;
        if (config is null && (bound["ConfigPath"] ?? bound["LiteralPath"]) is { } path && Runspace.DefaultRunspace is not null)
        {
            // Relative to the current location; SessionStateProxy refuses calls while the completion pipeline runs.
            var file = LanguagePrimitives.ConvertTo<string>(ScriptBlock.Create("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])")
                .Invoke(LanguagePrimitives.ConvertTo<string>(path))[0]);
            config = ConfigurationLoader.Load(file).Config;
            node = registry?.ActiveOn(config.DbPath);
        }
        if (config is null) return [];
        using var timeout = new CancellationTokenSource(Patience);
        return ListAsync(config, node, timeout.Token).GetAwaiter().GetResult();
    }

    private static async Task<IReadOnlyList<SnapshotMetadata>> ListAsync(HarmonyConfig config, SessionNode? node, CancellationToken cancellationToken)
    {
        await using var snapshots = node is { State: Engine.Node.NodeState.Running }
            ? await node.OpenSnapshotServiceAsync(cancellationToken).ConfigureAwait(false)
            : await EngineEntryPoints.OpenSnapshotServiceAsync(config, new EngineLog(HarmonyLogLevel.Critical), cancellationToken).ConfigureAwait(false);
        return await snapshots.ListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static SessionNode? NodeOf(object? value) => (value is PSObject wrapped ? wrapped.BaseObject : value) switch
    {
        SessionNode node => node,
        IEnumerable many => many.Cast<object>().Select(NodeOf).FirstOrDefault(n => n is not null),
        _ => null,
    };
}
