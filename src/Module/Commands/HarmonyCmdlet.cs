using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Errors;
using HarmonyLite.PowerShell.Execution;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// What every HarmonyLite cmdlet shares: engine calls cancelled by Ctrl+C, engine logs written to the cmdlet's
/// streams, PowerShell paths, configuration loading, exceptions reported as categorized error records.
/// </summary>
public abstract class HarmonyCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>The nodes started in this PowerShell session.</summary>
    private protected SessionNodeRegistry SessionNodes => SessionNodeRegistry.Of(SessionState);

    /// <summary>Runs an engine call to completion, writing what it logs to this cmdlet's streams meanwhile.</summary>
    private protected T RunEngine<T>(Func<CancellationToken, Task<T>> call, EngineLog? log = null) => RunEngine(call, log, null);

    /// <param name="tick">Runs on the pipeline thread every quarter second while the call runs, to update progress.</param>
    private protected T RunEngine<T>(Func<CancellationToken, Task<T>> call, EngineLog? log, Action? tick)
    {
        try
        {
            return EngineCallRunner.Run(call, log, WriteLogRecord, StopToken, tick);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private protected void RunEngine(Func<CancellationToken, Task> call, EngineLog? log = null, Action? tick = null) =>
        RunEngine(async cancellationToken =>
        {
            await call(cancellationToken).ConfigureAwait(false);
            return true;
        }, log, tick);

    /// <summary>
    /// Whether a failure ends the cmdlet with a terminating error instead of a non-terminating one: for cmdlets a
    /// scheduled task or a CI step runs, which must fail when the cmdlet does.
    /// </summary>
    private protected virtual bool FailuresTerminate => false;

    /// <summary>
    /// Does the work for one input object; a failure becomes an error about <paramref name="target"/>: non-terminating
    /// (the pipeline goes on), or terminating where <see cref="FailuresTerminate"/>.
    /// </summary>
    private protected void ProcessInput(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (Exception error) when (IsReportable(error))
        {
            var record = ErrorRecordFactory.Create(error, target);
            if (FailuresTerminate) ThrowTerminatingError(record);
            WriteError(record);
        }
    }

    /// <summary>What <paramref name="resolve"/> returns; when it fails, an error about <paramref name="input"/> and nothing.</summary>
    private protected IReadOnlyList<string> Resolved(Func<IReadOnlyList<string>> resolve, string input)
    {
        IReadOnlyList<string> files = [];
        ProcessInput(input, () => files = resolve());
        return files;
    }

    /// <summary>A path as given in PowerShell (relative to the current location, PSDrives, ~) as a file system path.</summary>
    private protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// The files a path parameter names: every file a wildcard pattern matches (none is an error naming the parameter),
    /// or the one path as given when it is literal (<paramref name="literal"/>, from a -LiteralPath parameter) or has no
    /// wildcard characters. Whether the files exist is for the caller to check.
    /// </summary>
    /// <param name="parameter">The parameter the path was given to, for messages.</param>
    /// <param name="literalParameter">Its literal twin, which messages suggest for names containing wildcard characters.</param>
    private protected IReadOnlyList<string> ResolveInputPaths(string path, bool literal, string parameter, string literalParameter)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path)) return [ResolvePath(path)];
        try
        {
            var files = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.Name != "FileSystem" || files.Count == 0) throw InputNotFoundException.NoMatch(path, parameter, literalParameter);
            return files;
        }
        catch (ItemNotFoundException)
        {
            throw InputNotFoundException.NoMatch(path, parameter, literalParameter);
        }
    }

    /// <summary>
    /// Loads a configuration file (a file system path, resolved); its warnings become PowerShell warnings, its notices
    /// verbose messages. A missing file is an ObjectNotFound error naming <paramref name="parameter"/>.
    /// </summary>
    private protected HarmonyConfig LoadConfiguration(string file, string parameter, ConfigurationOverrides? overrides = null)
    {
        if (!File.Exists(file)) throw InputNotFoundException.ConfigurationFile(file, parameter);
        var loaded = ConfigurationLoader.Load(file, overrides);
        foreach (var warning in loaded.Warnings) WriteWarning(warning.ToString());
        foreach (var notice in loaded.Notices) WriteVerbose(notice);
        WarnIfResolvedElsewhere(file, loaded.Config.DbPath);
        return loaded.Config;
    }

    // The engine resolves a relative db_path against the process working directory, as the sidecar does; in pwsh that
    // is not the current location, which Set-Location changes without telling the process.
    private void WarnIfResolvedElsewhere(string file, string databasePath)
    {
        if (System.IO.Path.IsPathRooted(databasePath)) return;
        var location = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var process = Environment.CurrentDirectory;
        if (SamePath(location, process)) return;
        WriteWarning($"{file}: db_path '{databasePath}' is relative, so it is resolved against the process working directory {process}, "
            + $"not the PowerShell location {location}. Use an absolute db_path.");
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(a)), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(b)),
            OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes an engine log record: debug as debug, information as verbose, warnings and errors as warnings (the call itself decides whether the cmdlet fails).</summary>
    private protected void WriteLogRecord(HarmonyLogRecord record)
    {
        switch (record.Level)
        {
            case HarmonyLogLevel.Trace or HarmonyLogLevel.Debug:
                WriteDebug(record.Text);
                break;
            case HarmonyLogLevel.Information:
                WriteVerbose(record.Text);
                break;
            default:
                WriteWarning(record.Text);
                break;
        }
    }

    // PowerShell's own flow control (Ctrl+C, -ErrorAction Stop, -WarningAction Stop) must pass through untouched.
    private static bool IsReportable(Exception error) =>
        error is not (PipelineStoppedException or ActionPreferenceStopException or HaltCommandException);
}
