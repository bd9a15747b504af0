namespace HarmonyLite.Engine.Replication;

/// <summary>What a captured row change did. Apply treats Insert and Update alike (an upsert guarded by the version).</summary>
public enum ChangeOperation
{
    Insert = 1,
    Update = 2,
    Delete = 3,
}
