using HarmonyLite.Engine.Replication;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>One local write of a row as a node's capture triggers recorded it: the row's key, the version, what it did, and the value written.</summary>
public sealed record CapturedWrite(long Key, RowVersion Version, ChangeOperation Operation, string? Value);
