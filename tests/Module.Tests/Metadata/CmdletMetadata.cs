using System.Reflection;

namespace HarmonyLite.Module.Tests.Metadata;

/// <summary>The cmdlets of the staged module read through a MetadataLoadContext: attribute values, parameters.</summary>
internal sealed class CmdletMetadata : IDisposable
{
    private const string Automation = "System.Management.Automation";

    private readonly MetadataLoadContext _context;

    public CmdletMetadata()
    {
        _context = StagedModule.OpenMetadata();
        Assembly = _context.LoadFromAssemblyPath(StagedModule.CmdletAssemblyPath);
        AutomationAssembly = _context.LoadFromAssemblyName(Automation);
        Cmdlets = Assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttributesData().Any(a => a.AttributeType.FullName == $"{Automation}.CmdletAttribute"))
            .Select(t => new CmdletInfo(t))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public MetadataLoadContext Context => _context;

    public Assembly Assembly { get; }

    public Assembly AutomationAssembly { get; }

    public IReadOnlyList<CmdletInfo> Cmdlets { get; }

    public CmdletInfo this[string name] => Cmdlets.SingleOrDefault(c => c.Name == name) ?? throw new InvalidOperationException($"No cmdlet {name} in the module.");

    /// <summary>Every approved verb: the string constants of System.Management.Automation's Verbs* classes.</summary>
    public IReadOnlySet<string> ApprovedVerbs() => AutomationAssembly.GetExportedTypes()
        .Where(t => t.Namespace == Automation && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType.FullName == "System.String")
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _context.Dispose();

    internal sealed class CmdletInfo(Type type)
    {
        private readonly CustomAttributeData _cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType.FullName == $"{Automation}.CmdletAttribute");

        public Type Type { get; } = type;

        public string Verb => (string)_cmdlet.ConstructorArguments[0].Value!;

        public string Noun => (string)_cmdlet.ConstructorArguments[1].Value!;

        public string Name => $"{Verb}-{Noun}";

        /// <summary>The [Cmdlet] attribute itself.</summary>
        public CustomAttributeData Attribute => _cmdlet;

        public bool SupportsShouldProcess => Named(_cmdlet, "SupportsShouldProcess") is true;

        /// <summary>The ConfirmImpact as its name (Medium when not set, as in PowerShell).</summary>
        public string ConfirmImpact => Named(_cmdlet, "ConfirmImpact") is int impact ? ConfirmImpactName(impact) : "Medium";

        /// <summary>The types of every [OutputType].</summary>
        public IReadOnlyList<Type> OutputTypes => Type.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == $"{Automation}.OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : [arg.Value])
            .OfType<Type>()
            .ToList();

        public PropertyInfo Parameter(string name) =>
            Type.GetProperty(name) ?? throw new InvalidOperationException($"{Name} has no property {name}.");

        /// <summary>The [Parameter] attributes of a parameter (one per parameter set).</summary>
        public IReadOnlyList<CustomAttributeData> ParameterAttributes(string name) => Parameter(name).GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == $"{Automation}.ParameterAttribute").ToList();

        public IReadOnlyList<string> ParameterNames => Type.GetProperties()
            .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == $"{Automation}.ParameterAttribute"))
            .Select(p => p.Name).ToList();

        public IReadOnlyList<string> Aliases(string parameter) => Parameter(parameter).GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == $"{Automation}.AliasAttribute")
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(v => (string)v.Value!).ToList();

        public static object? Named(CustomAttributeData attribute, string name) =>
            attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

        private static string ConfirmImpactName(int value) => value switch { 0 => "None", 1 => "Low", 2 => "Medium", 3 => "High", _ => value.ToString() };
    }
}
