using System.Text.Json;
using HarmonyLite.Engine.Configuration.Toml;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.Toml;

/// <summary>
/// The toml-test suite for TOML 1.0.0 (toml-test/ beside this file, listed in files-toml-1.0.0): every valid
/// document must parse to its tagged JSON, every invalid one must be refused with a <see cref="TomlReadException"/>
/// naming a line and column, except the few that TOML 1.1 made valid (Tomlyn reads 1.1; see
/// <see cref="ValidSinceToml11"/>).
/// </summary>
public sealed class TomlConformanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerCaseDeadline = TimeSpan.FromSeconds(10);

    private static string SuiteRoot => RepositoryLayout.Path("tests", "Engine.Tests", "Toml", "toml-test");

    /// <summary>Invalid in TOML 1.0, valid in 1.1 (which Tomlyn reads): each must parse, so the list stays exact.</summary>
    private static readonly HashSet<string> ValidSinceToml11 = new(StringComparer.Ordinal)
    {
        // Seconds may be left out of times.
        "invalid/datetime/no-secs.toml",
        "invalid/local-datetime/no-secs.toml",
        "invalid/local-time/no-secs.toml",
        // Inline tables may span lines and end with a comma.
        "invalid/inline-table/linebreak-01.toml",
        "invalid/inline-table/linebreak-02.toml",
        "invalid/inline-table/linebreak-03.toml",
        "invalid/inline-table/linebreak-04.toml",
        "invalid/inline-table/trailing-comma.toml",
        // \xHH escapes in basic strings.
        "invalid/string/basic-byte-escapes.toml",
    };

    [Fact]
    public async Task Every_valid_document_parses_to_its_expected_json()
    {
        var cases = Cases("valid/");
        var failures = new List<string>();
        foreach (var name in cases)
        {
            try
            {
                var table = await ParseAsync(name);
                using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(SuiteRoot, Path.ChangeExtension(name, ".json"))));
                var difference = TaggedJsonComparer.Difference(table, expected.RootElement);
                if (difference is not null)
                {
                    failures.Add($"{name}: {difference}");
                }
            }
            catch (Exception error)
            {
                failures.Add($"{name}: {error.GetType().Name}: {error.Message}");
            }
        }
        output.WriteLine($"toml-test valid: {cases.Count - failures.Count} of {cases.Count} passed");
        Assert.Equal(210, cases.Count);
        Assert.True(failures.Count == 0, $"{failures.Count} valid documents failed:\n{string.Join('\n', failures)}");
    }

    [Fact]
    public async Task Every_invalid_document_is_refused_with_its_position()
    {
        var cases = Cases("invalid/");
        var failures = new List<string>();
        foreach (var name in cases)
        {
            try
            {
                await ParseAsync(name);
                if (!ValidSinceToml11.Contains(name))
                {
                    failures.Add($"{name}: accepted");
                }
            }
            catch (TomlReadException error) when (error.Line >= 1 && error.Column >= 1)
            {
                if (ValidSinceToml11.Contains(name))
                {
                    failures.Add($"{name}: refused, though TOML 1.1 allows it: {error.Message}");
                }
            }
            catch (Exception error)
            {
                failures.Add($"{name}: {error.GetType().Name}: {error.Message}");
            }
        }
        output.WriteLine($"toml-test invalid: {cases.Count - failures.Count} of {cases.Count} refused with TomlReadException");
        Assert.Equal(499, cases.Count);
        Assert.True(failures.Count == 0, $"{failures.Count} invalid documents were not refused properly:\n{string.Join('\n', failures)}");
    }

    private static List<string> Cases(string prefix) =>
        File.ReadLines(Path.Combine(SuiteRoot, "files-toml-1.0.0"))
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal) && line.EndsWith(".toml", StringComparison.Ordinal))
            .ToList();

    /// <summary>Parses on the thread pool with a deadline, so a parser that loops shows up as a named failure.</summary>
    private static async Task<TomlTable> ParseAsync(string name)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(SuiteRoot, name));
        try
        {
            return await Task.Run(() => TomlReader.Read(bytes)).WaitAsync(PerCaseDeadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the parser did not finish within {PerCaseDeadline.TotalSeconds} s");
        }
    }
}
