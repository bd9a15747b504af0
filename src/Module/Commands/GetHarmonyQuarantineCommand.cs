using System.Management.Automation;
using HarmonyLite.Engine.Apply;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Get-HarmonyQuarantine: the replication messages a database's node set aside because they could not be applied.</summary>
[Cmdlet(VerbsCommon.Get, "HarmonyQuarantine", DefaultParameterSetName = ConfigurationSet, HelpUri = HelpLinks.Base + "get-harmonyquarantine")]
[OutputType(typeof(QuarantinedMessage))]
public sealed class GetHarmonyQuarantineCommand : DatabaseCmdlet
{
    protected override void ProcessRecord() => ForEachDatabase(input =>
    {
        var messages = RunEngine(async cancellationToken =>
        {
            await using var store = await QuarantineStore.OpenAsync(input.DatabasePath, null, cancellationToken).ConfigureAwait(false);
            return await store.ListAsync(null, cancellationToken).ConfigureAwait(false);
        });
        foreach (var message in messages) WriteObject(CmdletOutput.WithDatabase(message, input.DatabasePath));
    });
}
