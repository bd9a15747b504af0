using System.Management.Automation;

namespace HarmonyLite.PowerShell.Errors;

/// <summary>A file a cmdlet was pointed at does not exist; the message names the parameter (or setting) that named it.</summary>
public sealed class InputNotFoundException : HarmonyModuleException
{
    private InputNotFoundException(string message, string errorId, string path)
        : base(message, ErrorCategory.ObjectNotFound, errorId, path)
    {
    }

    /// <summary>A configuration file given by <paramref name="parameter"/> (e.g. <c>ConfigPath</c>).</summary>
    public static InputNotFoundException ConfigurationFile(string path, string parameter) =>
        new($"The configuration file {path} does not exist. Check the path given to -{parameter}.", "ConfigurationFileNotFound", path);

    /// <summary>A database given directly by <paramref name="parameter"/> (e.g. <c>DatabasePath</c>).</summary>
    public static InputNotFoundException Database(string path, string parameter) =>
        new($"The database {path} does not exist. Check the path given to -{parameter}, or create the database first "
            + "(for example with the sqlite3 shell).", "DatabaseNotFound", path);

    /// <summary>The database a configuration file names in its <c>db_path</c>.</summary>
    public static InputNotFoundException DatabaseOf(string path, string configurationFile) =>
        new($"The database {path} (the db_path of {configurationFile}) does not exist. Create it first (for example with the "
            + $"sqlite3 shell), or correct db_path in {configurationFile}.", "DatabaseNotFound", path);

    /// <summary>A wildcard pattern given to <paramref name="parameter"/> that matches no file.</summary>
    public static InputNotFoundException NoMatch(string pattern, string parameter, string literalParameter) =>
        new($"No file matches {pattern} (given to -{parameter}). To name a file whose name contains wildcard characters "
            + $"([, ], *, ?), use -{literalParameter}.", "PathNotFound", pattern);
}
