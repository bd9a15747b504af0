using System.Management.Automation;
using HarmonyLite.Engine.Apply;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Get-HarmonyQuarantine: the replication messages a database's node set aside because they could not be applied.</summary>
[Cmdlet(VerbsCommon.Get, "HarmonyQuarantine", DefaultParameterSetName = ConfigurationSet)]
[OutputType(typeof(QuarantinedMessage))]
public sealed class GetHarmonyQuarantineCommand : DatabaseCmdlet
{
    protected override void ProcessRecord() => ProcessInput(InputTarget, () =>
    {
        var (database, _) = ResolveDatabase();
        var messages = RunEngine(async cancellationToken =>
        {
            await using var store = await QuarantineStore.OpenAsync(database, null, cancellationToken).ConfigureAwait(false);
            return await store.ListAsync(null, cancellationToken).ConfigureAwait(false);
        });
        foreach (var message in messages) WriteObject(CmdletOutput.WithDatabase(message, database));
    });
}
