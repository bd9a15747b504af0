namespace HarmonyLite.Engine.Capture;

/// <summary>Why a table is not replicated, as a kind for code and a message for people (what is wrong and what to do).</summary>
public sealed record CaptureRefusal(CaptureRefusalKind Kind, string Message);
