using System.Xml.Linq;

namespace HarmonyLite.HelpCompiler;

/// <summary>
/// Writes the MAML help file pwsh reads for binary cmdlets (<c>&lt;assembly&gt;.dll-Help.xml</c>): the words from
/// docs/cmdlets.md, the syntax and parameter facts from the cmdlets themselves.
/// </summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>The risk-mitigation parameters PowerShell adds to a cmdlet that supports ShouldProcess.</summary>
    private static readonly (string Name, string Description)[] ShouldProcessParameters =
    [
        ("WhatIf", "Shows what would happen if the cmdlet ran, without running it: nothing is changed."),
        ("Confirm", "Asks for confirmation before the cmdlet changes anything."),
    ];

    public static XDocument Write(IReadOnlyList<(CmdletShape Shape, CmdletHelp Help)> cmdlets) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                cmdlets.Select(c => CommandElement(c.Shape, c.Help))));

    private static XElement CommandElement(CmdletShape shape, CmdletHelp help)
    {
        var documented = help.Parameters.ToDictionary(p => p.Name, p => p.Description, StringComparer.OrdinalIgnoreCase);
        var parameters = help.Parameters.Select(p => shape.Parameters.First(s => s.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", shape.Name),
                new XElement(Command + "verb", shape.Verb),
                new XElement(Command + "noun", shape.Noun),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax", shape.ParameterSets.Select(set => SyntaxItem(shape, set))),
            new XElement(Command + "parameters",
                parameters.Select(p => Parameter(p, p.Bindings[0], documented[p.Name], includeDetails: true)),
                shape.SupportsShouldProcess ? ShouldProcessParameters.Select(p => SwitchParameter(p.Name, p.Description)) : []),
            new XElement(Command + "inputTypes", InputTypes(shape)),
            new XElement(Command + "returnValues", shape.OutputTypes.Select((type, i) => new XElement(Command + "returnValue",
                new XElement(Dev + "type", new XElement(Maml + "name", type)), Description(i == 0 ? help.Outputs : [])))),
            help.Notes.Count == 0 ? null : new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select((e, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {i + 1}: {e.Title} --------------------------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", Paras(e.Remarks))))),
            new XElement(Maml + "relatedLinks",
                shape.HelpUri is null ? null : Link("Online Version:", shape.HelpUri),
                Link("about_HarmonyLite", null)));
    }

    /// <summary>What the pipeline can carry in: per parameter type, which parameters take it and how.</summary>
    private static IEnumerable<XElement> InputTypes(CmdletShape shape)
    {
        var piped = shape.Parameters
            .SelectMany(p => p.Bindings.Where(b => b.ByValue || b.ByPropertyName).Take(1).Select(b => (Parameter: p, Binding: b)))
            .GroupBy(m => m.Parameter.TypeName).ToList();
        if (piped.Count == 0)
            return [new XElement(Command + "inputType", new XElement(Dev + "type", new XElement(Maml + "name", "None")), Description("Nothing comes from the pipeline."))];
        return piped.Select(g => new XElement(Command + "inputType",
            new XElement(Dev + "type", new XElement(Maml + "name", g.Key)),
            Description(string.Join("; ", g.Select(m => $"-{m.Parameter.Name} {(m.Binding.ByValue ? "by value" : "")}"
                + (m.Binding.ByValue && m.Binding.ByPropertyName ? " and " : "")
                + (m.Binding.ByPropertyName ? "by property name" + (m.Parameter.Aliases.Count > 0 ? $" ({m.Parameter.Name}, {string.Join(", ", m.Parameter.Aliases)})" : "") : ""))))));
    }

    private static XElement SyntaxItem(CmdletShape shape, string set)
    {
        var members = shape.Parameters.Select(p => (Parameter: p, Binding: p.In(set))).Where(m => m.Binding is not null)
            .OrderBy(m => m.Binding!.Position ?? int.MaxValue).ThenBy(m => m.Binding!.Mandatory ? 0 : 1).ToList();
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", shape.Name),
            members.Select(m => Parameter(m.Parameter, m.Binding!, null, includeDetails: false)),
            shape.SupportsShouldProcess ? ShouldProcessParameters.Select(p => SwitchParameter(p.Name, null)) : []);
    }

    private static XElement Parameter(ParameterShape parameter, ParameterBinding binding, string? description, bool includeDetails) =>
        new(Command + "parameter",
            new XAttribute("required", binding.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", parameter.IsArray ? "true" : "false"),
            new XAttribute("globbing", parameter.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", binding.PipelineInput),
            new XAttribute("position", binding.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            description is null ? null : Description(description),
            parameter.IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"),
                new XAttribute("variableLength", parameter.IsArray ? "true" : "false"), parameter.FriendlyType),
            includeDetails ? new XElement(Dev + "type", new XElement(Maml + "name", parameter.TypeName)) : null,
            includeDetails ? new XElement(Dev + "defaultValue", "None") : null);

    private static XElement SwitchParameter(string name, string? description) =>
        new(Command + "parameter",
            new XAttribute("required", "false"), new XAttribute("variableLength", "false"), new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"),
            new XAttribute("aliases", name == "WhatIf" ? "wi" : "cf"),
            new XElement(Maml + "name", name),
            description is null ? null : Description(description),
            new XElement(Dev + "type", new XElement(Maml + "name", "System.Management.Automation.SwitchParameter")),
            new XElement(Dev + "defaultValue", "False"));

    private static XElement Description(string text) => Description([text]);

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paras(paragraphs));

    private static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs) => paragraphs.Select(p => new XElement(Maml + "para", p));

    private static XElement Link(string text, string? uri) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri", uri ?? ""));
}
