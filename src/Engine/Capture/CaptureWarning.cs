namespace HarmonyLite.Engine.Capture;

/// <summary>A warning about a replicated table, as a kind for code and a message for people (why it matters and what to do).</summary>
public sealed record CaptureWarning(CaptureWarningKind Kind, string Message);
