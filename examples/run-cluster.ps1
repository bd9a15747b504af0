#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Quick start: three HarmonyLite nodes on this machine with embedded nats-servers, replicating
    harmonylite-{1,2,3}.db in the temp folder, in the foreground until Ctrl+C.
.EXAMPLE
    ./examples/run-cluster.ps1
    # in another shell:
    sqlite3 /tmp/harmonylite-1.db "INSERT INTO Books (id, title, author, publication_year) VALUES (8, 'Dune', 'Frank Herbert', 1965);"
#>
[CmdletBinding()]
param([string] $HarmonyLite)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$exe = if ($IsWindows) { 'harmonylite.exe' } else { 'harmonylite' }
if (-not $HarmonyLite) { $HarmonyLite = Join-Path $root "src/Host/bin/Release/net8.0/$exe" }
if (-not (Test-Path $HarmonyLite)) {
    & dotnet build (Join-Path $root 'src/Host/Host.csproj') -c Release -nologo -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { throw 'Build of harmonylite failed.' }
}
$tmp = [IO.Path]::GetTempPath()
$schema = Get-Content (Join-Path $PSScriptRoot 'schema.sql') -Raw
foreach ($n in 1..3) {
    $db = Join-Path $tmp "harmonylite-$n.db"
    Remove-Item "$db*", (Join-Path $tmp "harmonylite-$n-*") -Force -Recurse -ErrorAction SilentlyContinue
    $schema | & sqlite3 $db
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 could not create $db" }
    Write-Host "Created $db"
}
Remove-Item (Join-Path $tmp 'nats') -Recurse -Force -ErrorAction SilentlyContinue

$ports = 4221, 4222, 4223
$nodes = foreach ($n in 1..3) {
    $peers = ($ports | Where-Object { $_ -ne $ports[$n - 1] } | ForEach-Object { "nats://127.0.0.1:$_/" }) -join ','
    Start-Process -FilePath $HarmonyLite -NoNewWindow -PassThru -ArgumentList @(
        '-config', (Join-Path $PSScriptRoot "node-$n.toml"), '-cluster-addr', "127.0.0.1:$($ports[$n - 1])", '-cluster-peers', $peers)
}
try {
    Wait-Process -Id $nodes.Id
}
finally {
    $nodes | Where-Object { -not $_.HasExited } | Stop-Process -ErrorAction SilentlyContinue
}
