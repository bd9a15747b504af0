namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// The nats-server executable needed to run the embedded server could not be found. The message
/// says where it was looked for and how to install it.
/// </summary>
public sealed class NatsServerNotFoundException : Exception
{
    public NatsServerNotFoundException(string problem, IReadOnlyList<string> searchedLocations)
        : base(BuildMessage(problem, searchedLocations))
    {
        SearchedLocations = searchedLocations;
    }

    /// <summary>Every file path that was tried, in order.</summary>
    public IReadOnlyList<string> SearchedLocations { get; }

    /// <summary>How to get nats-server on each platform; part of every message of this exception.</summary>
    public const string InstallInstructions =
        "HarmonyLite runs the real NATS server as a child process when nats.urls is empty. Install it:\n" +
        "  Debian/Ubuntu: sudo apt-get install nats-server\n" +
        "  macOS:         brew install nats-server\n" +
        "  Windows:       winget install NATSAuthors.NATSServer   (or: choco install nats-server)\n" +
        $"or set the environment variable {NatsServerExecutableLocator.EnvironmentVariable} to the full path of the nats-server executable, " +
        "or set nats.urls to use an existing NATS cluster instead.";

    private static string BuildMessage(string problem, IReadOnlyList<string> searchedLocations)
    {
        var searched = searchedLocations.Count == 0 ? "" : $" Looked for: {string.Join(", ", searchedLocations)}.";
        return $"{problem}{searched}\n{InstallInstructions}";
    }
}
