using System.Reflection;
using HarmonyLite.Bench;

// ./build.sh bench [suite ...]: runs every suite (or the named ones) and prints figures.
var suites = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();
var selected = args.Length == 0 ? suites : suites.Where(s => args.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"No bench suite named {string.Join(", ", args)}. Suites: {string.Join(", ", suites.Select(s => s.Name))}");
    return 64;
}
var report = new BenchReport(Console.Out);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
foreach (var suite in selected)
{
    Console.WriteLine($"== {suite.Name}");
    await suite.RunAsync(report, cts.Token);
}
return 0;
