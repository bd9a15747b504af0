using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Replication;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

/// <summary>The encoder refuses what the format cannot carry, naming where it is.</summary>
public sealed class ChangeBatchEncoderTests
{
    private readonly ChangeBatchEncoder _encoder = new();

    [Fact]
    public void A_value_that_is_not_a_sqlite_value_is_refused()
    {
        var batch = Batch(new RowChange("users", ChangeOperation.Insert, new RowVersion(1, 1), [new("id", 1L), new("age", 42)]));

        var error = Assert.Throws<ArgumentException>(() => _encoder.Encode(batch));

        Assert.Equal("Column 'age' of change 0 (table 'users') holds a System.Int32; a change carries SQLite values only: null, long, double, string, RawText or byte[].", error.Message);
    }

    [Fact]
    public void Text_with_an_unpaired_surrogate_is_refused()
    {
        var batch = Batch(new RowChange("users", ChangeOperation.Insert, new RowVersion(1, 1), [new("name", "bad \uDC00")]));

        var error = Assert.Throws<ArgumentException>(() => _encoder.Encode(batch));

        Assert.StartsWith("Column 'name' of change 0 (table 'users') is not valid Unicode text: it has an unpaired surrogate at index 4", error.Message);
    }

    [Fact]
    public void An_undefined_operation_is_refused()
    {
        var batch = Batch(new RowChange("users", (ChangeOperation)9, new RowVersion(1, 1), []));

        var error = Assert.Throws<ArgumentException>(() => _encoder.Encode(batch));

        Assert.Contains("Change 0 (table 'users') has operation 9, which is not insert, update or delete.", error.Message);
    }

    [Fact]
    public void Missing_parts_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => _encoder.Encode(null!));
        Assert.Throws<ArgumentException>(() => _encoder.Encode(new ChangeBatch(1, null!, [])));
        Assert.Throws<ArgumentException>(() => _encoder.Encode(Batch(new RowChange(null!, ChangeOperation.Insert, new RowVersion(1, 1), []))));
        Assert.Throws<ArgumentException>(() => _encoder.Encode(Batch(new RowChange("t", ChangeOperation.Insert, new RowVersion(1, 1), null!))));
        Assert.Throws<ArgumentException>(() => _encoder.Encode(Batch(new RowChange("t", ChangeOperation.Insert, new RowVersion(1, 1), [new(null!, 1L)]))));
    }

    private static ChangeBatch Batch(RowChange change) => new(1, "1-1", [change]);
}
