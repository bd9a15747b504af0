using System.Text;

namespace HarmonyLite.HelpCompiler;

/// <summary>Writes the about_HarmonyLite topic (a text file pwsh shows with Get-Help about_HarmonyLite).</summary>
internal static class AboutWriter
{
    private const int Width = 80;

    public static string Write(HelpSource source)
    {
        var text = new StringBuilder();
        text.Append("TOPIC\n    about_HarmonyLite\n\nSHORT DESCRIPTION\n");
        Wrap(text, source.ShortDescription, "    ");
        text.Append("\nLONG DESCRIPTION\n");
        foreach (var section in source.About)
        {
            if (section.Title.Length > 0) text.Append('\n').Append("  ").Append(section.Title.ToUpperInvariant()).Append('\n');
            foreach (var paragraph in section.Paragraphs)
            {
                if (paragraph.StartsWith("    ", StringComparison.Ordinal)) text.Append(Indent(paragraph, "    ")).Append('\n');
                else if (paragraph.StartsWith("- ", StringComparison.Ordinal)) Wrap(text, paragraph[2..], "    - ", "      ");
                else Wrap(text, paragraph, "    ");
                text.Append('\n');
            }
        }
        text.Append("SEE ALSO\n    Get-Command -Module HarmonyLite\n    Get-Help <cmdlet> -Full\n    docs/cmdlets.md and docs/configuration.md\n");
        return text.ToString();
    }

    private static string Indent(string block, string indent) => string.Join("\n", block.Split('\n').Select(l => indent + l));

    private static void Wrap(StringBuilder text, string paragraph, string firstIndent, string? indent = null)
    {
        var line = new StringBuilder(firstIndent);
        var empty = true;
        foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                text.Append(line).Append('\n');
                line.Clear().Append(indent ?? firstIndent);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        text.Append(line).Append('\n');
    }
}
