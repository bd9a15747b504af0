using System.Management.Automation;
using HarmonyLite.PowerShell.Convergence;
using HarmonyLite.PowerShell.Isolated.Logging;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Wait-HarmonyConvergence: waits until every database holds the same rows in its user tables (for CI pipelines:
/// start the nodes, write, wait until all replicas agree). On timeout, a terminating error names each database's
/// row counts and digest.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "HarmonyConvergence")]
[OutputType(typeof(ConvergenceResult))]
public sealed class WaitHarmonyConvergenceCommand : HarmonyCmdlet
{
    private readonly List<string> _databases = new();

    /// <summary>The replicas' database files.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "DbPath")]
    [ValidateNotNullOrEmpty]
    public string[] DatabasePath { get; set; } = [];

    /// <summary>How long to wait (a number is seconds). Default 60 seconds.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often to compare (a number is seconds). Default a quarter second.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    // Databases may come one by one down the pipeline; they are compared together once all have arrived.
    protected override void ProcessRecord() => _databases.AddRange(DatabasePath.Select(ResolvePath));

    protected override void EndProcessing() => ProcessInputOrTerminate(_databases.ToArray(), () =>
    {
        var log = new EngineLog(HarmonyLogLevel.Information);
        WriteObject(RunEngine(cancellationToken => ConvergenceWaiter.WaitAsync(_databases.Distinct().ToArray(), Timeout, PollInterval, log, cancellationToken), log));
    });
}
