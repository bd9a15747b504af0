namespace HarmonyLite.Engine.Snapshots.Stores;

/// <summary>A file of an <see cref="IRemoteFolder"/>: its name in the folder and its size as the server reports it.</summary>
internal sealed record RemoteFile(string Name, long Size);
