#!/usr/bin/env pwsh
<#
.SYNOPSIS
    The three-node demonstration (the pwsh twin of demo.sh): three harmonylite nodes on loopback with
    embedded nats-servers; a book inserted on node 1 shows up on nodes 2 and 3, an update on node 3 shows
    up on node 1. Exits 0 only if all of that happened.
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
    [string] $HarmonyLite
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$exe = if ($IsWindows) { 'harmonylite.exe' } else { 'harmonylite' }
if (-not $HarmonyLite) { $HarmonyLite = Join-Path $root "src/Host/bin/$Configuration/net8.0/$exe" }
if (-not (Test-Path $HarmonyLite)) { throw "$HarmonyLite not found; run ./build.ps1 -Task Build first." }

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Wait-Until([string] $What, [int] $Seconds, [scriptblock] $Condition) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 10
    }
}

function Invoke-Sqlite([string] $Database, [string] $Sql) {
    $result = & sqlite3 $Database $Sql
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed on $Database" }
    $result
}

$work = Join-Path ([IO.Path]::GetTempPath()) "harmonylite-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory $work | Out-Null
$nodes = @()
try {
    $routes = 1..3 | ForEach-Object { Get-FreePort }
    $schema = Get-Content (Join-Path $PSScriptRoot 'schema.sql') -Raw
    foreach ($n in 1..3) {
        $db = Join-Path $work "node-$n.db"
        $schema | & sqlite3 $db
        @"
db_path = "$($db.Replace('\', '\\'))"
node_id = $n
[nats]
bind_address = "127.0.0.1:-1"
[snapshot]
enabled = false
"@ | Set-Content (Join-Path $work "node-$n.toml")
    }

    Write-Host "Starting three nodes in $work ..."
    foreach ($n in 1..3) {
        $peers = (1..3 | Where-Object { $_ -ne $n } | ForEach-Object { "nats://127.0.0.1:$($routes[$_ - 1])" }) -join ','
        $nodes += Start-Process -FilePath $HarmonyLite -PassThru -NoNewWindow `
            -RedirectStandardError (Join-Path $work "node-$n.log") -RedirectStandardOutput (Join-Path $work "node-$n.out") `
            -ArgumentList @('-config', (Join-Path $work "node-$n.toml"), '-cluster-addr', "127.0.0.1:$($routes[$n - 1])", '-cluster-peers', $peers)
    }
    foreach ($n in 1..3) {
        $log = Join-Path $work "node-$n.log"
        Wait-Until "node $n to start replicating" 90 { (Test-Path $log) -and (Select-String -Path $log -Pattern 'replicating' -Quiet) }
        Write-Host "  node $n is replicating"
    }

    Write-Host "`nNode 1: INSERT INTO Books VALUES (8, 'Dune', 'Frank Herbert', 1965)"
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Invoke-Sqlite (Join-Path $work 'node-1.db') "INSERT INTO Books (id, title, author, publication_year) VALUES (8, 'Dune', 'Frank Herbert', 1965);"
    foreach ($n in 2, 3) {
        $db = Join-Path $work "node-$n.db"
        Wait-Until "the book on node $n" 30 { (Invoke-Sqlite $db 'SELECT title FROM Books WHERE id = 8;') -eq 'Dune' }
        Write-Host "  node $n has it after $($clock.ElapsedMilliseconds) ms: $(Invoke-Sqlite $db 'SELECT id, title, author, publication_year FROM Books WHERE id = 8;')"
    }

    Write-Host "`nNode 3: UPDATE Books SET title = 'Dune Messiah', publication_year = 1969 WHERE id = 8"
    $clock.Restart()
    Invoke-Sqlite (Join-Path $work 'node-3.db') "UPDATE Books SET title = 'Dune Messiah', publication_year = 1969 WHERE id = 8;"
    $db1 = Join-Path $work 'node-1.db'
    Wait-Until 'the update on node 1' 30 { (Invoke-Sqlite $db1 'SELECT title FROM Books WHERE id = 8;') -eq 'Dune Messiah' }
    Write-Host "  node 1 has it after $($clock.ElapsedMilliseconds) ms: $(Invoke-Sqlite $db1 'SELECT id, title, author, publication_year FROM Books WHERE id = 8;')"
    Write-Host "`nDemo finished: every node saw every change."
}
catch {
    foreach ($n in 1..3) {
        $log = Join-Path $work "node-$n.log"
        if (Test-Path $log) { Write-Host "--- node $n log (last 20 lines)"; Get-Content $log -Tail 20 | Write-Host }
    }
    throw
}
finally {
    # SIGTERM on Unix lets each node stop its nats-server; Windows has no SIGTERM, Stop-Process ends it.
    foreach ($node in $nodes | Where-Object { -not $_.HasExited }) {
        if ($IsWindows) { Stop-Process -Id $node.Id } else { & kill -TERM $node.Id }
    }
    $nodes | Wait-Process -Timeout 30 -ErrorAction SilentlyContinue
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
