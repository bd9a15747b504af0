using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Tests.Sqlite;

namespace HarmonyLite.Engine.Tests.Capture;

/// <summary>A test database with capture installed for one node id, with its installer and change reader open.</summary>
internal sealed class CapturedDatabase : IAsyncDisposable
{
    private CapturedDatabase(TestDatabase database, long nodeId, CaptureInstaller installer, ChangeReader reader, CaptureInstallReport report)
    {
        Database = database;
        NodeId = nodeId;
        Installer = installer;
        Reader = reader;
        Report = report;
    }

    public TestDatabase Database { get; }
    public long NodeId { get; }
    public CaptureInstaller Installer { get; }
    public ChangeReader Reader { get; }
    public CaptureInstallReport Report { get; private set; }
    public string Path => Database.Path;

    public static async Task<CapturedDatabase> CreateAsync(string schema, long nodeId = 1)
    {
        var database = await TestDatabase.CreateAsync(schema);
        var installer = await CaptureInstaller.OpenAsync(database.Path, nodeId, null, CancellationToken.None);
        var report = await installer.InstallAsync(CancellationToken.None);
        var reader = await ChangeReader.OpenAsync(database.Path, nodeId, null, CancellationToken.None);
        return new CapturedDatabase(database, nodeId, installer, reader, report);
    }

    public async Task<CaptureInstallReport> ReinstallAsync()
    {
        Report = await Installer.InstallAsync(CancellationToken.None);
        return Report;
    }

    public Task<PendingBatch?> ReadAsync(int maxChanges = 100_000) => Reader.ReadPendingAsync(maxChanges, CancellationToken.None);

    /// <summary>Reads and marks published until nothing is pending; returns the batches in order.</summary>
    public async Task<List<PendingBatch>> DrainAsync(int maxChanges = 100_000)
    {
        var batches = new List<PendingBatch>();
        while (await Reader.ReadPendingAsync(maxChanges, CancellationToken.None) is { } pending)
        {
            batches.Add(pending);
            Reader.MarkPublished(pending);
        }
        return batches;
    }

    public Task<ChangeApplier> OpenApplierAsync() => ChangeApplier.OpenAsync(Path, null, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Reader.DisposeAsync();
        await Installer.DisposeAsync();
        Database.Dispose();
    }
}
