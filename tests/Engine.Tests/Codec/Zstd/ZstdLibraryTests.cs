using System.Runtime.InteropServices;
using HarmonyLite.Engine.Codec.Zstd;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

public sealed class ZstdLibraryTests
{
    [Fact]
    public void The_system_library_loads_and_is_recent_enough()
    {
        var library = ZstdLibrary.Instance;

        Assert.Contains(library.Name, ZstdLibrary.CandidateNames());
        Assert.True(library.Version >= ZstdLibrary.MinimumVersionNumber, $"zstd version number {library.Version}");
    }

    [Fact]
    public void A_missing_library_says_what_to_install()
    {
        var error = Assert.Throws<ZstdUnavailableException>(() => ZstdLibrary.Load(["libzstd-harmonylite-missing.so.9"]));

        Assert.Contains("could not be loaded; tried libzstd-harmonylite-missing.so.9 (not found)", error.Message);
        Assert.Contains(ZstdLibrary.InstallHint(), error.Message);
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains("apt-get install libzstd1", error.Message);
        }
    }

    [Fact]
    public void A_library_without_zstds_functions_is_refused()
    {
        // SQLite's native library ships with the tests on every platform and exports no ZSTD_ functions.
        var sqlite = Directory
            .EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier), "*e_sqlite3*", SearchOption.AllDirectories)
            .First();

        var error = Assert.Throws<ZstdUnavailableException>(() => ZstdLibrary.Load([sqlite]));

        Assert.Contains($"{sqlite} ({sqlite} has no function ZSTD_versionNumber)", error.Message);
        Assert.Contains("libzstd 1.4.0 or newer", error.Message);
        Assert.Contains(ZstdLibrary.InstallHint(), error.Message);
    }

    [Fact]
    public void Candidates_are_tried_in_turn_until_one_is_zstd()
    {
        var sqlite = Directory
            .EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier), "*e_sqlite3*", SearchOption.AllDirectories)
            .First();

        var library = ZstdLibrary.Load(["libzstd-harmonylite-missing.so.9", sqlite, .. ZstdLibrary.CandidateNames()]);

        Assert.Contains(library.Name, ZstdLibrary.CandidateNames());
    }
}
