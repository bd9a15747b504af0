using HarmonyLite.Engine.Replication;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

/// <summary>Exact comparison of batches: same types, doubles bit for bit, blobs byte for byte.</summary>
internal static class BatchAssert
{
    public static void Equal(ChangeBatch expected, ChangeBatch actual)
    {
        Assert.Equal(expected.NodeId, actual.NodeId);
        Assert.Equal(expected.BatchId, actual.BatchId);
        Assert.Equal(expected.Changes.Count, actual.Changes.Count);
        for (var i = 0; i < expected.Changes.Count; i++)
        {
            var want = expected.Changes[i];
            var got = actual.Changes[i];
            Assert.Equal(want.Table, got.Table);
            Assert.Equal(want.Operation, got.Operation);
            Assert.Equal(want.Version, got.Version);
            Assert.Equal(want.Life, got.Life);
            Assert.Equal(want.SchemaHash, got.SchemaHash);
            Assert.Equal(want.Columns.Select(c => c.Name), got.Columns.Select(c => c.Name));
            for (var c = 0; c < want.Columns.Count; c++)
            {
                AssertSameValue(want.Columns[c].Value, got.Columns[c].Value, $"change {i}, column '{want.Columns[c].Name}'");
            }
        }
    }

    private static void AssertSameValue(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.Null(actual);
                break;
            case double real:
                var got = Assert.IsType<double>(actual);
                Assert.True(BitConverter.DoubleToUInt64Bits(real) == BitConverter.DoubleToUInt64Bits(got),
                    $"{where}: expected bits {BitConverter.DoubleToUInt64Bits(real):x16}, got {BitConverter.DoubleToUInt64Bits(got):x16}");
                break;
            case byte[] blob:
                Assert.Equal(blob, Assert.IsType<byte[]>(actual));
                break;
            default:
                Assert.IsType(expected.GetType(), actual);
                Assert.Equal(expected, actual);
                break;
        }
    }
}
