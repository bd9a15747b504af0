namespace HarmonyLite.Engine.Capture;

/// <summary>A primary key column as capture records it: its name and the collation its comparisons use.</summary>
public sealed record CaptureKeyColumn(string Name, string Collation);
