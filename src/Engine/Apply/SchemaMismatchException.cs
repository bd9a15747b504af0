namespace HarmonyLite.Engine.Apply;

/// <summary>
/// A change was captured under a schema of its table that this node's table never had (another node changed the
/// table first): the change is held in quarantine and applied once this node's table has the same schema.
/// </summary>
public sealed class SchemaMismatchException : ChangeApplyException
{
    public SchemaMismatchException(string stream, ulong sequence, string table, string changeSchemaHash, string localSchemaHash)
        : base(stream, sequence, table,
            $"Holding message {sequence} of stream '{stream}': its changes to table '{table}' were captured under schema {changeSchemaHash}, "
            + $"and the table here has schema {localSchemaHash}: the nodes' schemas of '{table}' differ. Apply the same schema change here "
            + "(cluster status shows which nodes differ); the message is applied once the schemas agree.")
    {
        ChangeSchemaHash = changeSchemaHash;
        LocalSchemaHash = localSchemaHash;
    }

    public string ChangeSchemaHash { get; }

    public string LocalSchemaHash { get; }
}
