namespace HarmonyLite.Engine.Capture;

/// <summary>A replication component was opened on a database where change capture has not been installed.</summary>
public sealed class CaptureNotInstalledException : InvalidOperationException
{
    public CaptureNotInstalledException(string databasePath)
        : base($"HarmonyLite change capture is not installed in '{databasePath}'. Install it first (CaptureInstaller.InstallAsync; starting a node does this).")
    {
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }
}
