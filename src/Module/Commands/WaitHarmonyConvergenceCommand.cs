using System.Management.Automation;
using HarmonyLite.PowerShell.Convergence;
using HarmonyLite.PowerShell.Errors;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Progress;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Wait-HarmonyConvergence: waits until every database holds the same rows in its user tables (for CI pipelines:
/// start the nodes, write, wait until all replicas agree). On timeout, a terminating error names each database's
/// row counts and digest.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "HarmonyConvergence", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "wait-harmonyconvergence")]
[OutputType(typeof(ConvergenceResult))]
public sealed class WaitHarmonyConvergenceCommand : HarmonyCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<string> _databases = new();

    /// <summary>The replicas' database files; wildcards match several.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DbPath")]
    [ValidateNotNullOrEmpty]
    public string[] DatabasePath { get; set; } = [];

    /// <summary>The replicas' database files, their names taken as they are; binds from files piped in.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>How long to wait: seconds (a number, or a string of one) or a TimeSpan. Default 60 seconds.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often to compare: seconds (a number, or a string of one) or a TimeSpan. Default a quarter second.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    private protected override bool FailuresTerminate => true;

    // Databases may come one by one down the pipeline; they are compared together once all have arrived.
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var parameter = literal ? nameof(LiteralPath) : nameof(DatabasePath);
        foreach (var input in literal ? LiteralPath : DatabasePath)
        {
            ProcessInput(input, () =>
            {
                foreach (var database in ResolveInputPaths(input, literal, parameter, nameof(LiteralPath)))
                {
                    if (!File.Exists(database)) throw InputNotFoundException.Database(database, parameter);
                    _databases.Add(database);
                }
            });
        }
    }

    protected override void EndProcessing() => ProcessInput(_databases.ToArray(), () =>
    {
        if (Timeout <= TimeSpan.Zero) throw new PSArgumentOutOfRangeException(nameof(Timeout), Timeout, $"-Timeout must be longer than zero; it is {Timeout}.");
        if (PollInterval <= TimeSpan.Zero) throw new PSArgumentOutOfRangeException(nameof(PollInterval), PollInterval, $"-PollInterval must be longer than zero; it is {PollInterval}.");
        var log = new EngineLog(HarmonyLogLevel.Information);
        var databases = _databases.Distinct().ToArray();
        var progress = new ConvergenceProgress(this, databases.Length, Timeout);
        try
        {
            WriteObject(RunEngine(cancellationToken => ConvergenceWaiter.WaitAsync(databases, Timeout, PollInterval, log, cancellationToken, progress.Report), log, progress.Show));
        }
        finally
        {
            progress.Complete();
        }
    });
}
