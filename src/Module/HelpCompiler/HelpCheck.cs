namespace HarmonyLite.HelpCompiler;

/// <summary>What a cmdlet's help must have, checked against the cmdlet itself, so the document cannot drift from the code.</summary>
internal static class HelpCheck
{
    public const int MinimumExamples = 2;

    /// <summary>Each problem with the line of docs/cmdlets.md it is about.</summary>
    public static IEnumerable<(int Line, string Problem)> Problems(IReadOnlyList<CmdletShape> shapes, HelpSource source)
    {
        if (source.ShortDescription.Length == 0) yield return (1, "the document needs a first paragraph (about_HarmonyLite's short description)");
        foreach (var shape in shapes)
        {
            var help = source.Cmdlets.SingleOrDefault(c => c.Name == shape.Name);
            if (help is null)
            {
                yield return (1, $"{shape.Name} has no '## {shape.Name}' section");
                continue;
            }
            if (help.Synopsis.Length == 0) yield return (help.Line, $"{shape.Name} has no synopsis (the first paragraph of its section)");
            if (help.Description.Count == 0) yield return (help.Line, $"{shape.Name} has no description (paragraphs after the synopsis)");
            if (help.Outputs.Count == 0) yield return (help.Line, $"{shape.Name} has no '### Outputs'");
            foreach (var parameter in shape.Parameters.Where(p => !help.Parameters.Any(d => d.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))))
                yield return (help.Line, $"{shape.Name} -{parameter.Name} is not described in its '### Parameters' table");
            foreach (var (name, description, line) in help.Parameters)
            {
                if (!shape.Parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                    yield return (line, $"{shape.Name} has no parameter -{name}, yet it is described");
                else if (description.Length == 0)
                    yield return (line, $"{shape.Name} -{name} has an empty description");
            }
            if (help.Examples.Count < MinimumExamples)
                yield return (help.Line, $"{shape.Name} has {help.Examples.Count} example(s); give at least {MinimumExamples} ('#### title', then a code block)");
            foreach (var example in help.Examples.Where(e => !e.Code.Contains(shape.Name, StringComparison.Ordinal)))
                yield return (example.Line, $"{shape.Name}'s example '{example.Title}' does not use {shape.Name}");
        }
    }
}
