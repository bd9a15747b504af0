namespace HarmonyLite.Engine.Cluster;

/// <summary>
/// A node whose table differs from what most live nodes have: another schema hash, or no such table. Messages for
/// that table are held (quarantined) on the side that lacks the other's schema until the schemas agree.
/// </summary>
/// <param name="SchemaHash">The node's hash of the table; null when the node does not replicate it.</param>
/// <param name="CommonSchemaHash">The hash most live nodes have; null when most do not replicate the table.</param>
/// <param name="CommonNodes">The nodes that have <paramref name="CommonSchemaHash"/>.</param>
public sealed record SchemaDifference(string Table, ulong NodeId, string? SchemaHash, string? CommonSchemaHash, IReadOnlyList<ulong> CommonNodes)
{
    public string Description =>
        $"{Table} on node {NodeId} " + (SchemaHash is null ? "is not replicated" : $"has schema {Short(SchemaHash)}")
        + $", node(s) {string.Join(", ", CommonNodes)} " + (CommonSchemaHash is null ? "do not replicate it" : $"have {Short(CommonSchemaHash)}");

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
