using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// What a node knows of one row's versions (its version row): the merge of every change to the row it has seen.
/// </summary>
/// <param name="Greatest">The greatest version the row has had; local writes step past it.</param>
/// <param name="Tombstone">The row's life ended with a delete (or the row never began here: a placeholder for held changes).</param>
/// <param name="Life">The version of the insert that began the row's life, or of the delete that ended it.</param>
/// <param name="Columns">Per local column, the version of its last change in this life; null while it is <paramref name="Life"/>.</param>
/// <param name="Held">Changes of a life this node has not seen begin yet, encoded; null when none.</param>
internal sealed record RowState(RowVersion Greatest, bool Tombstone, RowVersion Life, RowVersion?[] Columns, byte[]? Held)
{
    /// <summary>The life of a row that exists only to hold changes: below every real version.</summary>
    public static readonly RowVersion NoLife = new(0, 0);

    /// <summary>The version column <paramref name="index"/> has: its own, or the life's.</summary>
    public RowVersion ColumnVersion(int index) => Columns[index] ?? Life;
}
