namespace HarmonyLite.PowerShell.Capture;

/// <summary>What Uninstall-HarmonyTriggers removed from a database.</summary>
/// <param name="DatabasePath">The database.</param>
/// <param name="RemovedObjects">How many HarmonyLite objects (triggers, tables, indexes) were dropped; 0 when none were there.</param>
public sealed record CaptureRemoval(string DatabasePath, int RemovedObjects);
