namespace HarmonyLite.Engine.Apply;

/// <summary>What happened to a message handed to the applier.</summary>
public enum ApplyOutcome
{
    /// <summary>Applied and its stream position stored, in one transaction.</summary>
    Applied,

    /// <summary>Its stream position is at or below the one stored for the stream: applied before, nothing done.</summary>
    AlreadyApplied,
}
