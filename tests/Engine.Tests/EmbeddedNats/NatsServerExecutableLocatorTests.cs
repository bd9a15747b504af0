using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

public sealed class NatsServerExecutableLocatorTests : IDisposable
{
    private readonly TempDirectory _directory = new("nats-locator");

    public void Dispose() => _directory.Dispose();

    private string CreateFile(string folder, bool executable)
    {
        var directory = Path.Combine(_directory.Path, folder);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, NatsServerExecutableLocator.ExecutableName);
        File.WriteAllText(file, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, executable ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }

    private static NatsServerExecutableLocator Locator(IReadOnlyDictionary<string, string> environment, params string[] wellKnown) =>
        new(name => environment.TryGetValue(name, out var value) ? value : null, wellKnown);

    [Fact]
    public void Nothing_found_lists_where_it_looked_and_how_to_install()
    {
        var empty = Path.Combine(_directory.Path, "empty");
        var locator = Locator(new Dictionary<string, string> { ["PATH"] = empty }, Path.Combine(_directory.Path, "opt"));

        var failure = Assert.Throws<NatsServerNotFoundException>(() => locator.Locate());

        Assert.Equal([Path.Combine(empty, NatsServerExecutableLocator.ExecutableName), Path.Combine(_directory.Path, "opt", NatsServerExecutableLocator.ExecutableName)], failure.SearchedLocations);
        Assert.Contains("was not found on PATH", failure.Message);
        Assert.Contains("sudo apt-get install nats-server", failure.Message);
        Assert.Contains("brew install nats-server", failure.Message);
        Assert.Contains("winget install NATSAuthors.NATSServer", failure.Message);
        Assert.Contains("choco install nats-server", failure.Message);
        Assert.Contains("HARMONYLITE_NATS_SERVER", failure.Message);
    }

    [Fact]
    public void Path_comes_before_the_install_folders()
    {
        var onPath = CreateFile("on-path", executable: true);
        CreateFile("well-known", executable: true);
        var locator = Locator(new Dictionary<string, string> { ["PATH"] = Path.GetDirectoryName(onPath)! }, Path.Combine(_directory.Path, "well-known"));

        Assert.Equal(onPath, locator.Locate());
    }

    [Fact]
    public void An_install_folder_is_searched_when_PATH_lacks_it()
    {
        var installed = CreateFile("sbin", executable: true);
        var locator = Locator(new Dictionary<string, string> { ["PATH"] = "" }, Path.GetDirectoryName(installed)!);

        Assert.Equal(installed, locator.Locate());
    }

    [Fact]
    public void The_environment_variable_wins_over_PATH_and_must_exist()
    {
        var chosen = CreateFile("chosen", executable: true);
        var onPath = CreateFile("on-path", executable: true);
        var path = Path.GetDirectoryName(onPath)!;

        Assert.Equal(chosen, Locator(new Dictionary<string, string> { ["PATH"] = path, [NatsServerExecutableLocator.EnvironmentVariable] = chosen }).Locate());

        var missing = Path.Combine(_directory.Path, "nowhere", "nats-server");
        var failure = Assert.Throws<NatsServerNotFoundException>(
            () => Locator(new Dictionary<string, string> { ["PATH"] = path, [NatsServerExecutableLocator.EnvironmentVariable] = missing }).Locate());
        Assert.Contains($"{missing}, named by the environment variable HARMONYLITE_NATS_SERVER, does not exist", failure.Message);
    }

    [Fact]
    public void An_explicit_path_is_used_as_given_and_must_be_executable()
    {
        var onPath = CreateFile("on-path", executable: true);
        var locator = Locator(new Dictionary<string, string> { ["PATH"] = Path.GetDirectoryName(onPath)! });
        var explicitFile = CreateFile("explicit", executable: true);
        Assert.Equal(explicitFile, locator.Locate(explicitFile));

        if (OperatingSystem.IsWindows()) return; // no execute bit to test there
        var notExecutable = CreateFile("not-executable", executable: false);
        var failure = Assert.Throws<NatsServerNotFoundException>(() => locator.Locate(notExecutable));
        Assert.Contains("is not executable", failure.Message);
    }

    [Fact]
    public void A_non_executable_file_on_PATH_is_skipped()
    {
        if (OperatingSystem.IsWindows()) return; // no execute bit to test there
        var notExecutable = CreateFile("first", executable: false);
        var real = CreateFile("second", executable: true);
        var path = string.Join(Path.PathSeparator, Path.GetDirectoryName(notExecutable), Path.GetDirectoryName(real));

        Assert.Equal(real, Locator(new Dictionary<string, string> { ["PATH"] = path }).Locate());
    }
}
