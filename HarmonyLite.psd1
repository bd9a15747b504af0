@{
    RootModule           = 'HarmonyLite.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b3c2e-8a4d-4f57-9d0e-2c1b7a5e9f31'
    Author               = 'HarmonyLite for PowerShell contributors'
    CompanyName          = 'HarmonyLite for PowerShell'
    Copyright            = '(c) HarmonyLite for PowerShell contributors. MIT License.'
    Description          = 'Leaderless, eventually consistent SQLite replication over NATS JetStream: run nodes, install change capture, save and restore snapshots, watch replication.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('HarmonyLite.format.ps1xml')
    TypesToProcess       = @('HarmonyLite.types.ps1xml')
    CmdletsToExport      = @(
        'Start-HarmonyNode'
        'Stop-HarmonyNode'
        'Get-HarmonyNode'
        'Get-HarmonyConfiguration'
        'Install-HarmonyTriggers'
        'Uninstall-HarmonyTriggers'
        'Get-HarmonyShardStatus'
        'Get-HarmonyQuarantine'
        'Save-HarmonySnapshot'
        'Get-HarmonySnapshot'
        'Restore-HarmonySnapshot'
        'Wait-HarmonyConvergence'
        'Get-HarmonyCluster'
        'Wait-HarmonyReplication'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('SQLite', 'NATS', 'JetStream', 'Replication', 'HarmonyLite', 'Linux', 'Windows', 'macOS')
            ProjectUri = 'https://github.com/harmonylite/harmonylite-powershell'
        }
    }
}
