namespace HarmonyLite.Engine.Capture;

/// <summary>A row of the watched-tables catalog: the current capture generation of a table and what it captures.</summary>
/// <param name="Name">The user table.</param>
/// <param name="Generation">Stamped by the triggers on every change-log row; bumped whenever the captured columns change.</param>
/// <param name="Definition">The columns and key of the current generation.</param>
/// <param name="Dropped">The table no longer exists (or is refused now); its log is kept until its changes are published.</param>
/// <param name="SchemaHash">The table's <see cref="TableSchemaHash"/> when the generation began; null for generations of earlier builds.</param>
internal sealed record WatchedTable(string Name, long Generation, CaptureDefinition Definition, bool Dropped, string? SchemaHash);
