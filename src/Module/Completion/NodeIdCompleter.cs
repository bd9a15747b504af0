using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Completion;

/// <summary>Completes <c>-NodeId</c> with the ids of this session's nodes (Tab offers node ids, not file names).</summary>
public sealed class NodeIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var nodes = SessionNodeRegistry.OfCurrentRunspace()?.Nodes ?? [];
        var pattern = CompletionPattern.For(wordToComplete);
        return nodes
            .Where(n => pattern.IsMatch(n.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(n => new CompletionResult(n.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{n.NodeId} ({n.State})",
                CompletionResultType.ParameterValue, $"node {n.NodeId}, {n.State}, on {n.DatabasePath}"))
            .ToList();
    }
}
