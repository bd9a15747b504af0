namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// An exclusively opened lock file that says a live node owns a server directory. The OS closes it
/// when the owner dies, which is what tells a crashed owner's leftovers from a running node's.
/// </summary>
internal sealed class DirectoryOwnerLock : IDisposable
{
    private readonly FileStream _stream;

    private DirectoryOwnerLock(FileStream stream) => _stream = stream;

    /// <exception cref="EmbeddedNatsServerStartException">Another live process (or another server object in this one) holds it.</exception>
    public static DirectoryOwnerLock Acquire(string path, string directoryDescription)
    {
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            stream.SetLength(0);
            var owner = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n");
            stream.Write(owner);
            stream.Flush();
            return new DirectoryOwnerLock(stream);
        }
        catch (IOException ex)
        {
            throw new EmbeddedNatsServerStartException(
                $"{directoryDescription} is in use by another running HarmonyLite node (it holds {path}). " +
                "Stop that node first, or give this one its own data directory or node id.", innerException: ex);
        }
    }

    public void Dispose() => _stream.Dispose();
}
