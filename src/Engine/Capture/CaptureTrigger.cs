namespace HarmonyLite.Engine.Capture;

/// <summary>A capture trigger: its name and the exact CREATE TRIGGER text, which install compares with the stored one.</summary>
internal sealed record CaptureTrigger(string Name, string Sql);
