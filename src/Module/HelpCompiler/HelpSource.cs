using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace HarmonyLite.HelpCompiler;

/// <summary>One example of a cmdlet's help: a title, the code, and what it does.</summary>
internal sealed record HelpExample(string Title, string Code, IReadOnlyList<string> Remarks, int Line);

/// <summary>A cmdlet's section of docs/cmdlets.md.</summary>
internal sealed record CmdletHelp(string Name, int Line, string Synopsis, IReadOnlyList<string> Description,
    IReadOnlyList<(string Name, string Description, int Line)> Parameters, IReadOnlyList<string> Outputs, IReadOnlyList<string> Notes, IReadOnlyList<HelpExample> Examples);

/// <summary>A titled part of the about topic.</summary>
internal sealed record AboutSection(string Title, IReadOnlyList<string> Paragraphs);

/// <summary>
/// docs/cmdlets.md read as help: a <c>## Verb-Noun</c> section per cmdlet (first paragraph the synopsis, then the
/// description; <c>### Parameters</c> a table of <c>-Name</c> and description; <c>### Outputs</c>, <c>### Notes</c>; <c>### Examples</c> with a <c>####</c> title, a code block and remarks per example). The title's first
/// paragraph and every other <c>##</c> section make the about_HarmonyLite topic.
/// </summary>
internal sealed class HelpSource
{
    private HelpSource(string shortDescription, IReadOnlyList<AboutSection> about, IReadOnlyList<CmdletHelp> cmdlets)
    {
        ShortDescription = shortDescription;
        About = about;
        Cmdlets = cmdlets;
    }

    public string ShortDescription { get; }

    public IReadOnlyList<AboutSection> About { get; }

    public IReadOnlyList<CmdletHelp> Cmdlets { get; }

    /// <param name="cmdletNames">Which <c>##</c> headings are cmdlets.</param>
    public static HelpSource Parse(string markdown, IReadOnlySet<string> cmdletNames)
    {
        var document = Markdown.Parse(markdown, new MarkdownPipelineBuilder().UsePipeTables().Build());
        var sections = new List<(HeadingBlock? Heading, List<Block> Blocks)> { (null, []) };
        foreach (var block in document)
        {
            if (block is HeadingBlock { Level: <= 2 } heading) sections.Add((heading, []));
            else sections[^1].Blocks.Add(block);
        }
        var intro = sections[0].Blocks.Concat(sections.Count > 1 && sections[1].Heading!.Level == 1 ? sections[1].Blocks : []).ToList();
        var shortDescription = intro.OfType<ParagraphBlock>().Select(Text).FirstOrDefault() ?? "";
        var about = new List<AboutSection> { new("", Paragraphs(intro.Skip(intro.FindIndex(b => b is ParagraphBlock) + 1))) };
        var cmdlets = new List<CmdletHelp>();
        foreach (var (heading, blocks) in sections.Where(s => s.Heading is { Level: 2 }))
        {
            var title = Text(heading!);
            if (cmdletNames.Contains(title)) cmdlets.Add(ReadCmdlet(title, heading!.Line + 1, blocks));
            else about.Add(new AboutSection(title, Paragraphs(blocks)));
        }
        return new HelpSource(shortDescription, about, cmdlets);
    }

    private static CmdletHelp ReadCmdlet(string name, int line, List<Block> blocks)
    {
        var parts = new List<(string Title, List<Block> Blocks)> { ("", []) };
        foreach (var block in blocks)
        {
            if (block is HeadingBlock { Level: 3 } heading) parts.Add((Text(heading), []));
            else parts[^1].Blocks.Add(block);
        }
        var head = parts[0].Blocks;
        var synopsis = head.OfType<ParagraphBlock>().Select(Text).FirstOrDefault() ?? "";
        var description = Paragraphs(head.Skip(head.FindIndex(b => b is ParagraphBlock) + 1));
        List<Block> Part(string title) => parts.FirstOrDefault(p => p.Title == title).Blocks ?? [];
        // Subsections other than the known ones belong to the description, under their title.
        foreach (var (title, part) in parts.Skip(1).Where(p => p.Title is not ("Parameters" or "Outputs" or "Notes" or "Examples")))
            description = [.. description, title.ToUpperInvariant(), .. Paragraphs(part)];
        return new CmdletHelp(name, line, synopsis, description, ReadParameters(Part("Parameters")),
            Paragraphs(Part("Outputs")), Paragraphs(Part("Notes")), ReadExamples(Part("Examples")));
    }

    private static List<(string, string, int)> ReadParameters(List<Block> blocks)
    {
        var parameters = new List<(string, string, int)>();
        foreach (var table in blocks.OfType<Table>())
        {
            foreach (var row in table.OfType<TableRow>().Where(r => !r.IsHeader))
            {
                var cells = row.OfType<TableCell>().Select(c => string.Join(" ", c.OfType<ParagraphBlock>().Select(Text))).ToList();
                if (cells.Count < 2) continue;
                var parameter = cells[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => w.StartsWith('-'))?.TrimStart('-');
                if (parameter is not null) parameters.Add((parameter, cells[^1], row.Line + 1));
            }
        }
        return parameters;
    }

    private static List<HelpExample> ReadExamples(List<Block> blocks)
    {
        var examples = new List<HelpExample>();
        string? title = null;
        var line = 0;
        string? code = null;
        var remarks = new List<Block>();
        void Flush()
        {
            if (title is not null && code is not null) examples.Add(new HelpExample(title, code, Paragraphs(remarks), line));
            (title, code) = (null, null);
            remarks.Clear();
        }
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock { Level: 4 } heading:
                    Flush();
                    (title, line) = (Text(heading), heading.Line + 1);
                    break;
                case FencedCodeBlock fenced when code is null && title is not null:
                    code = fenced.Lines.ToString().TrimEnd();
                    break;
                default:
                    remarks.Add(block);
                    break;
            }
        }
        Flush();
        return examples;
    }

    /// <summary>Blocks as help paragraphs: text as one line each, list items each prefixed "- ", code and tables as they are.</summary>
    private static List<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ParagraphBlock paragraph:
                    paragraphs.Add(Text(paragraph));
                    break;
                case HeadingBlock heading:
                    paragraphs.Add(Text(heading).ToUpperInvariant());
                    break;
                case ListBlock list:
                    paragraphs.AddRange(list.OfType<ListItemBlock>().Select(item => "- " + string.Join(" ", Paragraphs(item))));
                    break;
                case FencedCodeBlock or CodeBlock:
                    paragraphs.Add(string.Join("\n", ((LeafBlock)block).Lines.ToString().TrimEnd().Split('\n').Select(l => "    " + l.TrimEnd('\r'))));
                    break;
                case Table table:
                    paragraphs.AddRange(table.OfType<TableRow>().Where(r => !r.IsHeader).Select(r =>
                        "- " + string.Join(": ", r.OfType<TableCell>().Select(c => string.Join(" ", c.OfType<ParagraphBlock>().Select(Text))).Where(t => t.Length > 0))));
                    break;
                case QuoteBlock quote:
                    paragraphs.AddRange(Paragraphs(quote));
                    break;
            }
        }
        return paragraphs;
    }

    private static string Text(LeafBlock block) => block.Inline is null ? "" : Text(block.Inline).Trim();

    private static string Text(ContainerInline container)
    {
        var text = new StringBuilder();
        foreach (var inline in container)
        {
            text.Append(inline switch
            {
                LiteralInline literal => literal.Content.ToString(),
                CodeInline code => code.Content,
                LineBreakInline => " ",
                HtmlEntityInline entity => entity.Transcoded.ToString(),
                ContainerInline nested => Text(nested),
                _ => "",
            });
        }
        return text.ToString();
    }
}
