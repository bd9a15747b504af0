using HarmonyLite.Engine.Replication;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// What the merge of every node's writes makes of one row of a one-value table: the life event that decides it,
/// whether that was a delete, and otherwise the value that won and the version of the write that gave it.
/// </summary>
public sealed record MergedRow(RowVersion Life, bool Deleted, string? Value, RowVersion ValueVersion);
