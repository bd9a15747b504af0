using Microsoft.Extensions.Logging;

namespace HarmonyLite.PowerShell.Isolated.Logging;

/// <summary>The logger factory the engine gets from the module: every logger writes into one <see cref="EngineLog"/>.</summary>
internal sealed class EngineLogLoggerFactory(EngineLog log) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new EngineLogLogger(categoryName, log);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The HarmonyLite PowerShell module sends engine logs to its own log (a node's RecentLog, a job's streams); it takes no other logger providers.");

    public void Dispose()
    {
        // Owns nothing: the EngineLog belongs to the session object that created this factory.
    }
}
