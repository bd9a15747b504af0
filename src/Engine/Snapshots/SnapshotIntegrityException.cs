namespace HarmonyLite.Engine.Snapshots;

/// <summary>A snapshot whose bytes do not match its recorded size or SHA-256: refused, nothing is changed.</summary>
public sealed class SnapshotIntegrityException : Exception
{
    public SnapshotIntegrityException(string message) : base(message) { }
}
