using System.Management.Automation;

namespace HarmonyLite.PowerShell.Completion;

/// <summary>What a completer matches candidates against: the word typed so far (quotes removed) as a prefix, wildcards allowed.</summary>
internal static class CompletionPattern
{
    public static WildcardPattern For(string? wordToComplete) =>
        new((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
}
