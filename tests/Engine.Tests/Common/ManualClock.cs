namespace HarmonyLite.Engine.Tests.Common;

/// <summary>A clock that says what the test sets, for retention and expiry.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
