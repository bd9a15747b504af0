using System.Text;
using HarmonyLite.HelpCompiler;

// HarmonyLite.HelpCompiler <cmdlet assembly> <dependency directory> <docs/cmdlets.md> <output directory>
// Writes <output>/HarmonyLite.PowerShell.dll-Help.xml and <output>/about_HarmonyLite.help.txt; exits 1, naming each
// problem as file(line): error, when the document does not cover the cmdlets as they are.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: HarmonyLite.HelpCompiler <cmdlet assembly> <dependency directory> <cmdlets.md> <output directory>");
    return 64;
}
var (assembly, dependencies, markdownPath, output) = (args[0], args[1], Path.GetFullPath(args[2]), args[3]);
var shapes = CmdletReflection.Read(assembly, dependencies);
var source = HelpSource.Parse(File.ReadAllText(markdownPath), shapes.Select(s => s.Name).ToHashSet(StringComparer.Ordinal));
var problems = HelpCheck.Problems(shapes, source).ToList();
foreach (var (line, problem) in problems) Console.Error.WriteLine($"{markdownPath}({line}): error HLHELP: {problem}");
if (problems.Count > 0) return 1;

Directory.CreateDirectory(output);
var pairs = shapes.Select(s => (s, source.Cmdlets.Single(c => c.Name == s.Name))).ToList();
MamlWriter.Write(pairs).Save(Path.Combine(output, Path.GetFileName(assembly) + "-Help.xml"));
File.WriteAllText(Path.Combine(output, "about_HarmonyLite.help.txt"), AboutWriter.Write(source), new UTF8Encoding(false));
Console.WriteLine($"Help for {shapes.Count} cmdlets and about_HarmonyLite written to {output}");
return 0;
