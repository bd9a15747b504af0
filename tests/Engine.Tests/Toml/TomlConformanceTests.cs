using System.Text.Json;
using HarmonyLite.Engine.Toml;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.Toml;

/// <summary>
/// The toml-test suite for TOML 1.0.0 (shared/testdata/toml-test, listed in files-toml-1.0.0): every valid
/// document must parse to its tagged JSON, every invalid one must be refused with a <see cref="TomlException"/>.
/// </summary>
public sealed class TomlConformanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerCaseDeadline = TimeSpan.FromSeconds(10);

    private static string SuiteRoot => RepositoryLayout.Path("..", "shared", "testdata", "toml-test");

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
    public async Task Every_invalid_document_is_refused_with_a_TomlException()
    {
        var cases = Cases("invalid/");
        var failures = new List<string>();
        foreach (var name in cases)
        {
            try
            {
                await ParseAsync(name);
                failures.Add($"{name}: accepted");
            }
            catch (TomlException error) when (error.Line >= 1 && error.Column >= 1)
            {
            }
            catch (Exception error)
            {
                failures.Add($"{name}: {error.GetType().Name}: {error.Message}");
            }
        }
        output.WriteLine($"toml-test invalid: {cases.Count - failures.Count} of {cases.Count} refused with TomlException");
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
            return await Task.Run(() => TomlReader.Parse(bytes)).WaitAsync(PerCaseDeadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the parser did not finish within {PerCaseDeadline.TotalSeconds} s");
        }
    }
}
