#!/usr/bin/env pwsh
<#
.SYNOPSIS
    HarmonyLite for PowerShell build entry point for pwsh users.
.DESCRIPTION
    Build    compiles the solution.
    Setup    installs what the tests need: nats-server and sqlite3 (through build.sh where apt-get works), pwsh and Pester.
    Test     builds from clean, runs every xunit project, then tests/Pester in the repository's pwsh and Pester.
    Demo     runs the three-node demonstration (examples/demo.ps1).
    Package  stages the module (manifest, assemblies, format views) and the harmonylite sidecar in artifacts/package.
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Setup', 'Build', 'Test', 'Demo', 'Package')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Package: where the module (HarmonyLite/) and the sidecar (sidecar/) go.
    [string] $OutputDirectory = (Join-Path $PSScriptRoot 'artifacts/package'),
    # Package: build on what is built already instead of from clean.
    [switch] $NoClean
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'HarmonyLite.PowerShell.sln'

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Assert-Prerequisites {
    $missing = @('dotnet', 'nats-server', 'sqlite3') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
    if (-not $missing) { return }
    if (-not $IsWindows -and (Test-Path (Join-Path $root 'build.sh'))) {
        Invoke-Native 'bash' @((Join-Path $root 'build.sh'), 'setup')
        return
    }
    throw "Missing: $($missing -join ', '). Install with: winget install NATSAuthors.NATSServer SQLite.SQLite Microsoft.DotNet.SDK.8 (macOS: brew install nats-server sqlite dotnet-sdk)."
}

# pwsh (the PowerShell dotnet tool, .config/dotnet-tools.json) and Pester (tests/Pester/Tools, into .tools/Modules):
# NuGet packages only, nothing installed for the user or the machine.
function Install-TestTools {
    Invoke-Native 'dotnet' @('tool', 'restore')
    Invoke-Native 'dotnet' @('msbuild', '-restore', '-t:InstallPester', (Join-Path $root 'tests/Pester/Tools/PesterModule.csproj'), '-nologo', '-v:q')
}

function Remove-BuildOutput {
    Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Depth 2 |
        Where-Object { $_.Name -in 'bin', 'obj' } | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item (Join-Path $root 'artifacts') -Recurse -Force -ErrorAction SilentlyContinue
}

function Invoke-Build { Invoke-Native 'dotnet' @('build', $solution, '-c', $Configuration, '-nologo', '-clp:ErrorsOnly') }

function Invoke-Test {
    Assert-Prerequisites
    Install-TestTools
    Remove-BuildOutput
    Invoke-Build
    $results = Join-Path $root 'artifacts/test-results'
    $failedProjects = @()
    foreach ($project in Get-ChildItem (Join-Path $root 'tests') -Filter '*.Tests.csproj' -Recurse) {
        & dotnet test $project.FullName -c $Configuration --no-build -nologo --results-directory $results `
            --logger "trx;LogFileName=$($project.BaseName).trx" --blame-hang-timeout 5m
        if ($LASTEXITCODE -ne 0) { $failedProjects += $project.BaseName }
    }
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $results -Filter '*.trx') {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed; $failed += [int]$counters.failed; $skipped += [int]$counters.notExecuted
    }

    # Pester runs in the repository's pwsh, in a process of its own: one Pester version loads per process, and this
    # session may have another loaded.
    $env:HARMONYLITE_CONFIGURATION = $Configuration
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Pester/Invoke-PesterSuite.ps1') -ResultsDirectory $results
    if ($LASTEXITCODE -ne 0) { $failedProjects += 'Pester' }
    $countsFile = Join-Path $results 'Pester.counts'
    if (Test-Path $countsFile) {
        $pesterPassed, $pesterFailed, $pesterSkipped = (Get-Content $countsFile -Raw).Trim() -split ' ' | ForEach-Object { [int]$_ }
        $passed += $pesterPassed; $failed += $pesterFailed; $skipped += $pesterSkipped
    }
    if ($failedProjects -and $failed -eq 0) { $failed = 1 }
    $line = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $line += ", $skipped skipped" }
    Write-Output $line
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Package {
    if (-not $NoClean) { Remove-BuildOutput }
    $out = $OutputDirectory
    New-Item -ItemType Directory -Force $out | Out-Null
    # The module build stages the importable layout (manifest, cmdlets, help, Dependencies/) itself. The sidecar goes to
    # sidecar/, not harmonylite/: beside HarmonyLite/ that would be one folder on Windows and macOS, and a second
    # "module" to Get-Module -ListAvailable (a folder holding a harmonylite.dll).
    Invoke-Native 'dotnet' @('build', (Join-Path $root 'src/Module/Module.csproj'), '-c', 'Release', '-nologo', '-clp:ErrorsOnly')
    Copy-Item (Join-Path $root 'src/Module/bin/Release/net8.0/HarmonyLite') $out -Recurse -Force
    Invoke-Native 'dotnet' @('publish', (Join-Path $root 'src/Host/Host.csproj'), '-c', 'Release', '-o', (Join-Path $out 'sidecar'), '-nologo', '-clp:ErrorsOnly')
    Write-Output "Module staged in $(Join-Path $out 'HarmonyLite'); sidecar in $(Join-Path $out 'sidecar')"
}

switch ($Task) {
    'Setup' { Assert-Prerequisites; Install-TestTools }
    'Build' { Assert-Prerequisites; Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Assert-Prerequisites; Invoke-Build; & (Join-Path $root 'examples/demo.ps1') -Configuration $Configuration; exit $LASTEXITCODE }
    'Package' { Invoke-Package }
}
