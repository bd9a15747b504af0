namespace HarmonyLite.Engine.Apply;

/// <summary>
/// A change carries columns the local table does not have, or lacks a primary key column: the schemas of the nodes
/// differ. Columns the change lacks are fine (changes captured before a column was added); unknown ones are refused
/// rather than dropped, so no value is lost silently.
/// </summary>
public sealed class ColumnMismatchException : ChangeApplyException
{
    public ColumnMismatchException(string stream, ulong sequence, string table, IReadOnlyList<string> unknownColumns, IReadOnlyList<string> missingKeyColumns)
        : base(stream, sequence, table, Describe(stream, sequence, table, unknownColumns, missingKeyColumns))
    {
        UnknownColumns = unknownColumns;
        MissingKeyColumns = missingKeyColumns;
    }

    /// <summary>Columns in the change that the local table does not have.</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    /// <summary>Primary key columns of the local table that the change does not carry.</summary>
    public IReadOnlyList<string> MissingKeyColumns { get; }

    private static string Describe(string stream, ulong sequence, string table, IReadOnlyList<string> unknown, IReadOnlyList<string> missingKey)
    {
        var problems = new List<string>();
        if (unknown.Count > 0) problems.Add($"it has column(s) {string.Join(", ", unknown.Select(c => $"'{c}'"))} that table '{table}' does not have here");
        if (missingKey.Count > 0) problems.Add($"it lacks primary key column(s) {string.Join(", ", missingKey.Select(c => $"'{c}'"))} of table '{table}'");
        return $"Cannot apply message {sequence} of stream '{stream}': {string.Join(" and ", problems)}. The table's schema differs between nodes; apply the same schema change on this node, and the message is applied when it is retried.";
    }
}
