using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Sqlite;

namespace HarmonyLite.Engine.Tests.Capture;

/// <summary>Row changes as comparable text (records holding lists compare lists by reference).</summary>
internal static class ChangeText
{
    public static string Of(RowChange change) =>
        $"{change.Table} {change.Operation} {change.Version} " + string.Join(", ", change.Columns.Select(c => $"{c.Name}={TestDatabase.FormatValue(c.Value)}"));

    public static IReadOnlyList<string> Of(IEnumerable<RowChange> changes) => changes.Select(Of).ToList();
}
