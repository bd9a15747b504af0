using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Codec.Cbor;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

/// <summary>FsCheck generators of change batches holding every kind of SQLite value.</summary>
internal static class WireGenerators
{
    public static Gen<object?> SqliteValue { get; } = Gen.Frequency(
        (1, Gen.Constant<object?>(null)),
        (3, CborGenerators.Int64.Select(v => (object?)v)),
        (3, CborGenerators.Double.Select(v => (object?)v)),
        (3, CborGenerators.Text.Select(v => (object?)v)),
        (2, CborGenerators.Bytes.Select(v => (object?)v)));

    public static Gen<RowChange> Change { get; } =
        from table in CborGenerators.Text
        from operation in Gen.Elements(ChangeOperation.Insert, ChangeOperation.Update, ChangeOperation.Delete)
        from hlc in CborGenerators.Int64
        from node in CborGenerators.Int64
        from names in CborGenerators.Text.ListOf()
        from values in SqliteValue.ListOf()
        select new RowChange(
            table,
            operation,
            new RowVersion(hlc, node),
            names.Distinct().Zip(values, (name, value) => new ColumnValue(name, value)).ToList());

    public static Gen<ChangeBatch> Batch { get; } =
        from node in CborGenerators.Int64
        from id in CborGenerators.Text
        from changes in Change.ListOf()
        select new ChangeBatch(node, id, changes.ToList());
}
