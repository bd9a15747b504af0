#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Runs tests/Pester on the repository's own Pester (.tools/Modules, installed by ./build.sh setup) and writes
    its counts where ./build.sh and ./build.ps1 add them to their closing line.
.DESCRIPTION
    Run it in a pwsh process of its own (only one Pester version loads per process), after the module is built:
        dotnet pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-PesterSuite.ps1
    It writes <ResultsDirectory>/Pester.counts ("passed failed skipped"
    on one line), prints one summary line naming the Pester and pwsh versions, and exits 0 only when every test,
    block and container passed.
.PARAMETER ResultsDirectory
    Where the result files go. Default: artifacts/test-results.
.PARAMETER Path
    The test files or folders to run. Default: tests/Pester.
#>
[CmdletBinding()]
param(
    [string] $ResultsDirectory,
    [string[]] $Path
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
if (-not $ResultsDirectory) { $ResultsDirectory = Join-Path $root 'artifacts/test-results' }
if (-not $Path) { $Path = $PSScriptRoot }

[xml] $project = Get-Content (Join-Path $PSScriptRoot 'Tools/PesterModule.csproj') -Raw
$version = $project.Project.PropertyGroup.PesterVersion | Where-Object { $_ } | Select-Object -First 1
$modules = Join-Path $root '.tools/Modules'
$manifest = Join-Path $modules "Pester/$version/Pester.psd1"
if (-not (Test-Path $manifest)) {
    throw "Pester $version is not installed in $modules. Run ./build.sh setup (or ./build.ps1 -Task Setup) first."
}
# The repository's module folder comes first, so nothing a test imports by name finds another Pester.
$env:PSModulePath = $modules + [IO.Path]::PathSeparator + $env:PSModulePath
Import-Module $manifest -Force
$pester = Get-Module Pester
if ("$($pester.Version)" -ne $version) { throw "Loaded Pester $($pester.Version) instead of $version." }

New-Item -ItemType Directory -Force $ResultsDirectory | Out-Null
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ([Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext' }   # a log file, not a terminal
# No NUnit XML: nothing reads it, and Pester 5.7.1 fails the whole run when a failure message holds a control
# character (a compiler's colour codes), losing the counts.
$clock = [Diagnostics.Stopwatch]::StartNew()
$run = Invoke-Pester -Configuration $config

# A block or container that failed (in BeforeAll, or a file that does not parse) failed tests it never ran.
$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
"$($run.PassedCount) $failed $($run.SkippedCount)" | Set-Content (Join-Path $ResultsDirectory 'Pester.counts')
Write-Host ("Pester {0} on pwsh {1} (.NET {2}): passed {3}, failed {4}, skipped {5}, in {6:0} s" -f
    $version, $PSVersionTable.PSVersion, [Environment]::Version, $run.PassedCount, $failed, $run.SkippedCount, $clock.Elapsed.TotalSeconds)
exit ([int]($failed -gt 0 -or $run.Result -ne 'Passed'))
