using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Which tables of a database change capture would replicate and which it would refuse, judged as
/// <see cref="CaptureInstaller.InstallAsync"/> judges them, on a read-only connection: for a dry run (-WhatIf).
/// </summary>
public static class CapturePreview
{
    /// <exception cref="FileNotFoundException">The database does not exist.</exception>
    public static async Task<IReadOnlyList<TableCapturePreview>> ReadAsync(string databasePath, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(databasePath);
        if (!File.Exists(fullPath)) throw new FileNotFoundException($"The database {fullPath} does not exist.", fullPath);
        await using var connection = await SqliteConnectionFactory.OpenAsIsAsync(fullPath, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        var tables = new List<TableCapturePreview>();
        foreach (var (name, kind) in await SqliteSchemaReader.ReadTableNamesAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            if (CaptureArtifactNames.IsArtifact(name) || kind == SqliteTableKind.Shadow) continue;
            if (await SqliteSchemaReader.ReadTableAsync(connection, name, cancellationToken).ConfigureAwait(false) is not { } schema) continue;
            var refusal = CaptureCompatibility.Refusal(schema);
            tables.Add(new TableCapturePreview(name, refusal, refusal is null ? CaptureCompatibility.Warnings(schema) : []));
        }
        return tables;
    }
}
