using System.Reflection;
using System.Runtime.InteropServices;

namespace HarmonyLite.HelpCompiler;

/// <summary>A cmdlet as its attributes declare it: what the help's syntax and parameter sections are generated from.</summary>
internal sealed record CmdletShape(string Name, string Verb, string Noun, bool SupportsShouldProcess, string? HelpUri,
    IReadOnlyList<string> OutputTypes, IReadOnlyList<ParameterShape> Parameters, IReadOnlyList<string> ParameterSets);

/// <summary>One parameter: its type, aliases, and how it binds in each parameter set it belongs to.</summary>
/// <param name="TypeName">The parameter type's full name.</param>
/// <param name="FriendlyType">The type as PowerShell users write it: string, long[], TimeSpan, SessionNode[].</param>
internal sealed record ParameterShape(string Name, string TypeName, string FriendlyType, bool IsArray, IReadOnlyList<string> Aliases, IReadOnlyList<ParameterBinding> Bindings)
{
    public bool IsSwitch => TypeName == "System.Management.Automation.SwitchParameter";

    /// <summary>Path parameters take wildcards, except the literal ones.</summary>
    public bool Globbing => Name.EndsWith("Path", StringComparison.Ordinal) && !Name.StartsWith("Literal", StringComparison.Ordinal);

    public ParameterBinding? In(string set) => Bindings.FirstOrDefault(b => b.Set == set) ?? Bindings.FirstOrDefault(b => b.Set == CmdletReflection.AllSets);

    public static string Friendly(Type type) => type.IsArray ? Friendly(type.GetElementType()!) + "[]" : type.FullName switch
    {
        "System.String" => "string",
        "System.Int64" => "long",
        "System.Int32" => "int",
        "System.Boolean" => "bool",
        _ => type.Name,
    };
}

/// <summary>How a parameter binds in one parameter set.</summary>
internal sealed record ParameterBinding(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName)
{
    public string PipelineInput => (ByValue, ByPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };
}

/// <summary>Reads the cmdlets of a built module assembly without running it (a metadata-only load context).</summary>
internal static class CmdletReflection
{
    public const string AllSets = "__AllParameterSets";
    private const string Automation = "System.Management.Automation";

    public static IReadOnlyList<CmdletShape> Read(string assemblyPath, string dependencyDirectory)
    {
        var automation = Path.Combine(AppContext.BaseDirectory, Automation + ".dll");
        var paths = new[] { assemblyPath, automation }
            .Concat(Directory.Exists(dependencyDirectory) ? Directory.GetFiles(dependencyDirectory, "*.dll") : [])
            .Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        var assembly = context.LoadFromAssemblyPath(assemblyPath);
        return assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract)
            .Select(t => (Type: t, Cmdlet: Attribute(t.GetCustomAttributesData(), "CmdletAttribute").FirstOrDefault()))
            .Where(c => c.Cmdlet is not null)
            .Select(c => Shape(c.Type, c.Cmdlet!))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static CmdletShape Shape(Type type, CustomAttributeData cmdlet)
    {
        var verb = (string)cmdlet.ConstructorArguments[0].Value!;
        var noun = (string)cmdlet.ConstructorArguments[1].Value!;
        var parameters = new List<ParameterShape>();
        // Base class parameters last, as PowerShell lists them.
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => Depth(type, p.DeclaringType!)))
        {
            var attributes = property.GetCustomAttributesData();
            var bindings = Attribute(attributes, "ParameterAttribute").Select(a => new ParameterBinding(
                Named(a, "ParameterSetName") as string ?? AllSets,
                Named(a, "Mandatory") is true,
                Named(a, "Position") is int position && position >= 0 ? position : null,
                Named(a, "ValueFromPipeline") is true,
                Named(a, "ValueFromPipelineByPropertyName") is true)).ToList();
            if (bindings.Count == 0) continue;
            var aliases = Attribute(attributes, "AliasAttribute")
                .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
                .Select(v => (string)v.Value!).ToList();
            var propertyType = property.PropertyType;
            parameters.Add(new ParameterShape(property.Name, propertyType.FullName!, ParameterShape.Friendly(propertyType), propertyType.IsArray, aliases, bindings));
        }
        var sets = parameters.SelectMany(p => p.Bindings).Select(b => b.Set).Where(s => s != AllSets).Distinct().ToList();
        var defaultSet = Named(cmdlet, "DefaultParameterSetName") as string;
        if (defaultSet is not null && sets.Remove(defaultSet)) sets.Insert(0, defaultSet);
        if (sets.Count == 0) sets.Add(AllSets);
        var outputs = Attribute(type.GetCustomAttributesData(), "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : [arg.Value])
            .OfType<Type>().Select(t => t.FullName!).ToList();
        return new CmdletShape($"{verb}-{noun}", verb, noun, Named(cmdlet, "SupportsShouldProcess") is true, Named(cmdlet, "HelpUri") as string,
            outputs, parameters, sets);
    }

    private static int Depth(Type type, Type declaring)
    {
        var depth = 0;
        for (var t = type; t is not null && t != declaring; t = t.BaseType) depth++;
        return depth;
    }

    private static IEnumerable<CustomAttributeData> Attribute(IEnumerable<CustomAttributeData> attributes, string name) =>
        attributes.Where(a => a.AttributeType.FullName == $"{Automation}.{name}");

    private static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();
}
