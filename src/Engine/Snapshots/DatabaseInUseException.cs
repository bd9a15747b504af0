namespace HarmonyLite.Engine.Snapshots;

/// <summary>A restore refused because other processes hold the database open.</summary>
public sealed class DatabaseInUseException : Exception
{
    public DatabaseInUseException(string databasePath, IReadOnlyList<string> holders)
        : base($"Cannot restore {databasePath}: it is open in {string.Join(", ", holders)}. Stop the applications using it (and the HarmonyLite node), then restore again.")
    {
        DatabasePath = databasePath;
        Holders = holders;
    }

    public string DatabasePath { get; }
    public IReadOnlyList<string> Holders { get; }
}
