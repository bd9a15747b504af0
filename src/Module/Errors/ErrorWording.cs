using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;

namespace HarmonyLite.PowerShell.Errors;

/// <summary>
/// What to tell a pwsh user about an engine error whose own message speaks to the sidecar's user (config keys, flags)
/// or to code: the same facts, taken from the exception's properties, in the words of the cmdlets. Null when the
/// engine's message already fits.
/// </summary>
internal static class ErrorWording
{
    public static string? For(Exception cause) => cause switch
    {
        CaptureNotInstalledException e =>
            $"HarmonyLite change capture is not installed in {e.DatabasePath}. Install it with Install-HarmonyTriggers, "
            + "or start a node on the database with Start-HarmonyNode (which installs it).",
        ConfigurationException { InnerException: FileNotFoundException or DirectoryNotFoundException } e =>
            $"The configuration file {e.Origin} does not exist. Check the path given to -ConfigPath.",
        NodeDatabaseMissingException { SnapshotsEnabled: true } e =>
            $"The database {e.DatabasePath} (the configuration's db_path) does not exist, and there is no snapshot to restore "
            + "into it yet. Create it with its schema first, for example: Get-Content ./schema.sql -Raw | sqlite3 "
            + $"'{e.DatabasePath}'. A node that starts later restores the snapshots this one saves.",
        NodeDatabaseMissingException e =>
            $"The database {e.DatabasePath} (the configuration's db_path) does not exist. Create it with its schema first, "
            + $"for example: Get-Content ./schema.sql -Raw | sqlite3 '{e.DatabasePath}'; or set snapshot.enabled = true in the "
            + "configuration so a new node restores the newest snapshot.",
        _ => null,
    };

    /// <summary>The message to show for <paramref name="exception"/>: the module's wording where it has one, else the exception's own.</summary>
    public static string Message(Exception exception) => For(exception) ?? exception.Message;
}
