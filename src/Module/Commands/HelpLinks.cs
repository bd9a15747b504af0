namespace HarmonyLite.PowerShell.Commands;

/// <summary>Where each cmdlet's help lives online (<c>Get-Help -Online</c>): its section of docs/cmdlets.md.</summary>
internal static class HelpLinks
{
    /// <summary>docs/cmdlets.md in the project repository; a cmdlet's anchor is its name in lower case.</summary>
    public const string Base = "https://github.com/harmonylite/harmonylite-powershell/blob/main/docs/cmdlets.md#";
}
