using Xunit;

namespace HarmonyLite.Module.Tests.Metadata;

/// <summary>The cmdlets follow the module conventions, read from the built assembly without running PowerShell.</summary>
public sealed class CmdletMetadataTests : IDisposable
{
    /// <summary>Cmdlets that change a database (or start something that does) and must honour -WhatIf/-Confirm, with their ConfirmImpact.</summary>
    private static readonly Dictionary<string, string> ChangingCmdlets = new()
    {
        ["Install-HarmonyTriggers"] = "Medium",
        ["Uninstall-HarmonyTriggers"] = "High",
        ["Start-HarmonyNode"] = "Medium",
        ["Stop-HarmonyNode"] = "Medium",
        ["Restore-HarmonySnapshot"] = "High",
    };

    /// <summary>Parameters that take pipeline input by property name.</summary>
    public static TheoryData<string, string> PipelineByPropertyName => new()
    {
        { "Get-HarmonyConfiguration", "Path" },
        { "Install-HarmonyTriggers", "ConfigPath" },
        { "Install-HarmonyTriggers", "DatabasePath" },
        { "Install-HarmonyTriggers", "NodeId" },
        { "Uninstall-HarmonyTriggers", "ConfigPath" },
        { "Uninstall-HarmonyTriggers", "DatabasePath" },
        { "Start-HarmonyNode", "ConfigPath" },
        { "Start-HarmonyNode", "LiteralPath" },
        { "Get-HarmonyConfiguration", "LiteralPath" },
        { "Install-HarmonyTriggers", "LiteralPath" },
        { "Save-HarmonySnapshot", "Node" },
        { "Get-HarmonySnapshot", "Node" },
        { "Restore-HarmonySnapshot", "Node" },
        { "Wait-HarmonyConvergence", "LiteralPath" },
        { "Stop-HarmonyNode", "Node" },
        { "Stop-HarmonyNode", "NodeId" },
        { "Get-HarmonyNode", "NodeId" },
        { "Get-HarmonyShardStatus", "Node" },
        { "Get-HarmonyShardStatus", "ConfigPath" },
        { "Get-HarmonyQuarantine", "ConfigPath" },
        { "Get-HarmonyQuarantine", "DatabasePath" },
        { "Save-HarmonySnapshot", "ConfigPath" },
        { "Get-HarmonySnapshot", "ConfigPath" },
        { "Restore-HarmonySnapshot", "ConfigPath" },
        { "Restore-HarmonySnapshot", "Id" },
        { "Wait-HarmonyConvergence", "DatabasePath" },
    };

    private readonly CmdletMetadata _metadata = new();

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb()
    {
        var approved = _metadata.ApprovedVerbs();
        Assert.Contains("Get", approved);
        Assert.Contains("Restore", approved);
        Assert.DoesNotContain("Kill", approved);
        Assert.All(_metadata.Cmdlets, c => Assert.True(approved.Contains(c.Verb), $"{c.Name}: '{c.Verb}' is not an approved verb."));
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_types_and_they_are_public()
    {
        Assert.All(_metadata.Cmdlets, c =>
        {
            Assert.True(c.OutputTypes.Count > 0, $"{c.Name} has no [OutputType].");
            Assert.All(c.OutputTypes, t => Assert.True(t.IsPublic, $"{c.Name} outputs {t.FullName}, which is not public."));
        });
    }

    [Fact]
    public void Cmdlets_that_change_a_database_support_WhatIf_and_Confirm()
    {
        foreach (var (name, impact) in ChangingCmdlets)
        {
            var cmdlet = _metadata[name];
            Assert.True(cmdlet.SupportsShouldProcess, $"{name} does not support ShouldProcess.");
            Assert.Equal(impact, cmdlet.ConfirmImpact);
        }
        var readOnly = _metadata.Cmdlets.Where(c => !ChangingCmdlets.ContainsKey(c.Name) && c.Name != "Save-HarmonySnapshot");
        Assert.All(readOnly, c => Assert.False(c.SupportsShouldProcess, $"{c.Name} only reads, yet asks for confirmation."));
    }

    [Theory]
    [MemberData(nameof(PipelineByPropertyName))]
    public void Parameters_take_pipeline_input_by_property_name(string cmdlet, string parameter)
    {
        var attributes = _metadata[cmdlet].ParameterAttributes(parameter);
        Assert.NotEmpty(attributes);
        Assert.All(attributes, a => Assert.Equal(true, CmdletMetadata.CmdletInfo.Named(a, "ValueFromPipelineByPropertyName")));
    }

    [Fact]
    public void Path_parameters_have_literal_twins_that_bind_from_files()
    {
        Assert.Equal(["ConfigPath"], _metadata["Get-HarmonyConfiguration"].Aliases("Path"));
        Assert.Equal(["PSPath", "LP"], _metadata["Get-HarmonyConfiguration"].Aliases("LiteralPath"));
        Assert.Equal(["PSPath", "LP"], _metadata["Wait-HarmonyConvergence"].Aliases("LiteralPath"));
        foreach (var cmdlet in new[] { "Install-HarmonyTriggers", "Uninstall-HarmonyTriggers", "Start-HarmonyNode", "Get-HarmonyShardStatus", "Get-HarmonyQuarantine", "Save-HarmonySnapshot", "Get-HarmonySnapshot", "Restore-HarmonySnapshot" })
        {
            Assert.Empty(_metadata[cmdlet].Aliases("ConfigPath"));
            Assert.Equal(["PSPath", "LP"], _metadata[cmdlet].Aliases("LiteralPath"));
        }
    }

    [Fact]
    public void Database_cmdlets_take_a_configuration_or_a_database_each_literal_or_not()
    {
        foreach (var cmdlet in new[] { "Install-HarmonyTriggers", "Uninstall-HarmonyTriggers", "Get-HarmonyQuarantine" })
        {
            var sets = new[] { "ConfigPath", "LiteralPath", "DatabasePath", "LiteralDatabasePath" }
                .SelectMany(p => _metadata[cmdlet].ParameterAttributes(p))
                .Select(a => (string?)CmdletMetadata.CmdletInfo.Named(a, "ParameterSetName")).ToList();
            Assert.Equal(["Configuration", "LiteralConfiguration", "Database", "LiteralDatabase"], sets);
        }
        var nodeId = _metadata["Install-HarmonyTriggers"].ParameterAttributes("NodeId");
        Assert.Equal(["Database", "LiteralDatabase"], nodeId.Select(a => (string?)CmdletMetadata.CmdletInfo.Named(a, "ParameterSetName")).Order());
        Assert.All(nodeId, a => Assert.Equal(true, CmdletMetadata.CmdletInfo.Named(a, "Mandatory")));
    }

    [Fact]
    public void Start_HarmonyNode_has_the_sidecar_overrides_and_AsJob()
    {
        var start = _metadata["Start-HarmonyNode"];
        Assert.Equal(["AsJob", "ClusterAddress", "ClusterPeers", "ConfigPath", "LeafServers", "LiteralPath", "NodeId"], start.ParameterNames.Order(StringComparer.Ordinal));
        Assert.Contains(start.OutputTypes, t => t.Name == "HarmonyNodeJob");
        Assert.Equal("System.Management.Automation.Job", _metadata.Assembly.GetType("HarmonyLite.PowerShell.Jobs.HarmonyNodeJob")!.BaseType!.FullName);
    }

    [Fact]
    public void Every_cmdlet_links_to_its_section_of_the_cmdlet_page()
    {
        Assert.All(_metadata.Cmdlets, c => Assert.Equal(
            "https://github.com/harmonylite/harmonylite-powershell/blob/main/docs/cmdlets.md#" + c.Name.ToLowerInvariant(),
            CmdletMetadata.CmdletInfo.Named(c.Attribute, "HelpUri")));
    }

    public void Dispose() => _metadata.Dispose();
}
