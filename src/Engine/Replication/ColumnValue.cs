namespace HarmonyLite.Engine.Replication;

/// <summary>
/// One column of a changed row. <see cref="Value"/> holds a SQLite storage class value:
/// null, <see cref="long"/>, <see cref="double"/>, <see cref="string"/> or <see cref="byte"/>[].
/// </summary>
public readonly record struct ColumnValue(string Name, object? Value);
