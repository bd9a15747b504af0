using System.Diagnostics;
using System.Text.Json;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>
/// The official NATS JavaScript object store client (npm @nats-io/obj, pinned in JsObjectStore/package.json), installed
/// once per test class into a temp directory and run with the machine's Node.js.
/// </summary>
public sealed class JsObjectStorePeer : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("harmonylite-js-peer");

    public async Task InitializeAsync()
    {
        foreach (var file in new[] { "package.json", "peer.mjs" })
            File.Copy(RepositoryLayout.Path("tests", "Engine.Tests", "Messaging", "JsObjectStore", file), _directory.File(file));
        await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
    }

    /// <summary>Copies object <paramref name="name"/> into <paramref name="file"/>; returns the client's view of its info.</summary>
    public async Task<JsonElement> GetAsync(string url, string bucket, string name, string file) =>
        JsonDocument.Parse(await RunAsync("node", ["peer.mjs", "get", url, bucket, name, file], TimeSpan.FromMinutes(2))).RootElement;

    /// <summary>Stores <paramref name="file"/> as object <paramref name="name"/> (metadata origin=js).</summary>
    public Task PutAsync(string url, string bucket, string name, string file) =>
        RunAsync("node", ["peer.mjs", "put", url, bucket, name, file], TimeSpan.FromMinutes(2));

    private async Task<string> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed; the JS object store peer needs Node.js and npm (apt-get install nodejs npm).", ex);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}.");
            }
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
            return (await output).Trim();
        }
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
