namespace HarmonyLite.Engine.Snapshots;

public sealed class SnapshotNotFoundException : Exception
{
    public SnapshotNotFoundException(string id, string store)
        : base($"Snapshot '{id}' was not found in the {store}. List the available ones with Get-HarmonySnapshot (or look in the store).")
    {
        Id = id;
    }

    private SnapshotNotFoundException(string store)
        : base($"There is no snapshot in the {store}. Save one on a healthy node (harmonylite -config <file> -save-snapshot, or Save-HarmonySnapshot) first.")
    {
        Id = "";
    }

    /// <summary>The store holds no snapshot at all (the newest was asked for).</summary>
    public static SnapshotNotFoundException NoneIn(string store) => new(store);

    /// <summary>The id asked for; empty when the newest was asked for and there is none.</summary>
    public string Id { get; }
}
