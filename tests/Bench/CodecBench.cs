using System.Diagnostics;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Bench;

/// <summary>Replication wire codec: encode and decode of a 1,000-row, 5-column batch, with and without zstd.</summary>
public sealed class CodecBench : IBenchSuite
{
    private const int Rows = 1000;
    private static readonly TimeSpan MeasureFor = TimeSpan.FromSeconds(2);

    public string Name => "codec";

    public Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var batch = SampleBatch();
        var decoder = new ChangeBatchDecoder();
        foreach (var compress in new[] { false, true })
        {
            var encoder = new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = compress });
            var label = compress ? "zstd level 3" : "no compression";
            var message = encoder.Encode(batch);
            var payloadBytes = new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = false }).Encode(batch).Length;
            report.Figure(Name, $"message size, {Rows} rows x 5 columns, {label}", message.Length / 1024.0, "KiB");

            var encode = Measure(() => encoder.Encode(batch), cancellationToken);
            Report(report, $"encode, {label}", encode, payloadBytes);

            var decode = Measure(() => decoder.Decode(message), cancellationToken);
            Report(report, $"decode, {label}", decode, payloadBytes);

            var roundtrip = Measure(() => decoder.Decode(encoder.Encode(batch)), cancellationToken);
            Report(report, $"encode + decode, {label}", roundtrip, payloadBytes);
        }

        report.Note(Name, "MB/s counts the uncompressed CBOR payload (10^6 bytes per MB).");
        return Task.CompletedTask;
    }

    private void Report(BenchReport report, string what, double batchesPerSecond, int payloadBytes)
    {
        report.Figure(Name, $"{what}: batches ({Rows} rows x 5 columns)", batchesPerSecond, "/s");
        report.Figure(Name, $"{what}: throughput", batchesPerSecond * payloadBytes / 1e6, "MB/s");
    }

    /// <summary>Runs <paramref name="operation"/> after a warm-up until <see cref="MeasureFor"/> has passed; returns operations per second.</summary>
    private static double Measure(Action operation, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 20; i++)
        {
            operation();
        }

        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < MeasureFor)
        {
            cancellationToken.ThrowIfCancellationRequested();
            operation();
            count++;
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Rows shaped like an application table: an id, two texts (one often null), a real and a small blob.</summary>
    private static ChangeBatch SampleBatch()
    {
        var random = new Random(1);
        var clock = DateTimeOffset.Parse("2025-01-01T00:00:00Z").ToUnixTimeMilliseconds() << RowVersion.LogicalBits;
        var changes = new List<RowChange>(Rows);
        for (var i = 0; i < Rows; i++)
        {
            var blob = new byte[16];
            random.NextBytes(blob);
            changes.Add(new RowChange(
                "orders",
                i % 10 == 0 ? ChangeOperation.Update : ChangeOperation.Insert,
                new RowVersion(clock + i, 1),
                [
                    new("id", (long)(100_000 + i)),
                    new("customer", $"customer-{random.Next(500):D4}@example.com"),
                    new("amount", Math.Round(random.NextDouble() * 1000, 2)),
                    new("note", i % 3 == 0 ? null : $"deliver to door {random.Next(1, 200)}"),
                    new("token", blob),
                ]));
        }

        return new ChangeBatch(1, "1-100000-100999", changes);
    }
}
