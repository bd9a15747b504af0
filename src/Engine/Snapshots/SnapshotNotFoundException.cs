namespace HarmonyLite.Engine.Snapshots;

public sealed class SnapshotNotFoundException : Exception
{
    public SnapshotNotFoundException(string id, string store)
        : base($"Snapshot '{id}' was not found in the {store}. List the available ones with Get-HarmonySnapshot (or look in the store).")
    {
        Id = id;
    }

    public string Id { get; }
}
