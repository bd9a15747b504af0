namespace HarmonyLite.Engine.Apply;

/// <summary>The result of applying one message.</summary>
/// <param name="Outcome">Applied, or skipped as already applied.</param>
/// <param name="AppliedChanges">Row changes written (their version was newer than the row's).</param>
/// <param name="SupersededChanges">Row changes skipped because the row already had an equal or newer version (the loser of a conflict, or a duplicate).</param>
public sealed record ApplyResult(ApplyOutcome Outcome, int AppliedChanges, int SupersededChanges)
{
    public static readonly ApplyResult AlreadyApplied = new(ApplyOutcome.AlreadyApplied, 0, 0);
}
