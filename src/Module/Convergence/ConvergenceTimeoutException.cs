using System.Management.Automation;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Convergence;

/// <summary>The databases still differed when the time was up; <see cref="Replicas"/> says how each one looked last.</summary>
public sealed class ConvergenceTimeoutException(TimeSpan timeout, IReadOnlyList<ReplicaDigest> replicas)
    : HarmonyModuleException(
        $"The databases did not converge within {timeout.TotalSeconds:0.###} s. Last seen:{Environment.NewLine}"
        + string.Join(Environment.NewLine, replicas.Select(r => "  " + r.Describe()))
        + $"{Environment.NewLine}Check that every node is running and replicating (Get-HarmonyShardStatus shows their lag, Get-HarmonyQuarantine what they could not apply), or wait longer with -Timeout.",
        ErrorCategory.OperationTimeout, "ConvergenceTimeout", replicas.Select(r => r.DatabasePath).ToArray())
{
    public TimeSpan Timeout { get; } = timeout;

    public IReadOnlyList<ReplicaDigest> Replicas { get; } = replicas;
}
