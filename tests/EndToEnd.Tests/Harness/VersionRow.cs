using HarmonyLite.Engine.Replication;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// What a node's version table holds for one key: the greatest version the row has had there, the version of the
/// life event (insert or delete) that decides its state, and whether that event was a delete.
/// </summary>
public sealed record VersionRow(RowVersion Greatest, RowVersion Life, bool Tombstone);
