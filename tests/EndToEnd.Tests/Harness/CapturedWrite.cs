using HarmonyLite.Engine.Replication;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// One local write of a row as a node's capture triggers recorded it: the row's key, the version, what it did, the
/// value written, and for an update the life of the row it changed (the version of the insert that began it).
/// </summary>
public sealed record CapturedWrite(long Key, RowVersion Version, ChangeOperation Operation, string? Value, RowVersion? Life = null);
