# Shared by the Pester tests (dot-sourced in their BeforeAll): the staged module, a work folder per test file, databases
# written with the sqlite3 shell, node configurations, a real nats-server, and waiting on conditions with deadlines.
$ErrorActionPreference = 'Stop'
$script:Root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent

function Get-StagedModule {
    $configurations = @($env:HARMONYLITE_CONFIGURATION, 'Release', 'Debug') | Where-Object { $_ }
    $staged = $configurations | ForEach-Object { Join-Path $script:Root "src/Module/bin/$_/net8.0/HarmonyLite" } |
        Where-Object { Test-Path (Join-Path $_ 'HarmonyLite.psd1') } | Select-Object -First 1
    if (-not $staged) { throw "The module is not built; run ./build.ps1 -Task Build first (looked under $script:Root/src/Module/bin)." }
    $staged
}

foreach ($tool in 'sqlite3', 'nats-server') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "$tool is not on PATH; ./build.sh setup installs it." }
}
$script:ModuleDirectory = Get-StagedModule
$script:ModuleManifest = Join-Path $script:ModuleDirectory 'HarmonyLite.psd1'
Import-Module $script:ModuleManifest -Force
$script:Work = Join-Path ([IO.Path]::GetTempPath()) "hl-pester-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory $script:Work | Out-Null
$script:NatsServers = [Collections.Generic.List[Diagnostics.Process]]::new()

function Invoke-Sqlite([string] $Database, [string] $Sql) {
    # A busy timeout, as applications set one: a node writes its bookkeeping into the same file, and the shell's
    # default of none fails on the first lock it meets.
    $output = $Sql | & sqlite3 -cmd '.timeout 30000' $Database
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed on $Database with: $Sql" }
    $output
}

function New-TestDatabase([string] $Name, [string] $Sql = 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL);') {
    $path = Join-Path $script:Work $Name
    New-Item -ItemType Directory (Split-Path $path) -Force | Out-Null
    Invoke-Sqlite $path $Sql | Out-Null
    $path
}

function Get-Schema([string] $Database) {
    (Invoke-Sqlite $Database "SELECT type || ' ' || name FROM sqlite_schema ORDER BY name;") -join "`n"
}

function Get-FileBytes([string] $Path) {
    Get-ChildItem "$Path*" | Sort-Object Name | ForEach-Object { "$($_.Name) $((Get-FileHash $_.FullName).Hash)" }
}

# A node configuration; TOML literal strings ('...') keep Windows paths as they are. $Nats: a URL of an external
# server, or empty for an embedded one on a free port. $Prefix keeps the streams of one test apart from another's.
function New-TestConfig([string] $Name, [string] $Database, [long] $NodeId, [string] $Snapshot = "[snapshot]`nenabled = false",
    [string] $Nats = '', [string] $Prefix = 'hl', [string] $Extra = '') {
    $path = Join-Path $script:Work "$Name.toml"
    $natsTable = if ($Nats) { "urls = ['$Nats']" } else { "bind_address = '127.0.0.1:-1'" }
    @"
db_path = '$Database'
node_id = $NodeId
$Extra

[nats]
$natsTable
stream_prefix = '$Prefix'
subject_prefix = '$Prefix-changes'

$Snapshot
"@ | Set-Content -Path $path
    $path
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# A real nats-server with JetStream on a free loopback port, stopped by Remove-TestWork. Returns its client URL.
function Start-TestNatsServer([string] $Name, [string] $ExtraConfig = '') {
    $dir = Join-Path $script:Work "nats-$Name"
    New-Item -ItemType Directory $dir -Force | Out-Null
    $port = Get-FreePort
    $config = Join-Path $dir 'nats.conf'
    "listen: 127.0.0.1:$port`njetstream { store_dir: '$(Join-Path $dir 'js')' }`n$ExtraConfig" | Set-Content $config
    $process = Start-Process nats-server -ArgumentList '-c', $config -PassThru -RedirectStandardError (Join-Path $dir 'err.log') -RedirectStandardOutput (Join-Path $dir 'out.log')
    $script:NatsServers.Add($process)
    Wait-Condition "nats-server $Name on port $port" 30 {
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); $true } catch { $false } finally { $client.Dispose() }
    }
    "nats://127.0.0.1:$port"
}

function Wait-Condition([string] $What, [int] $Seconds, [scriptblock] $Condition) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
        Start-Sleep -Milliseconds 100
    }
}

# Waits until every node of the session runs, failing with their errors when one fails.
function Wait-NodesRunning([int] $Count, [int] $Seconds = 120) {
    Wait-Condition "$Count nodes replicating" $Seconds {
        $nodes = @(Get-HarmonyNode)
        $faulted = $nodes | Where-Object { "$($_.State)" -eq 'Faulted' }
        if ($faulted) { throw "A node failed: $($faulted.LastError -join '; ')" }
        @($nodes | Where-Object { "$($_.State)" -eq 'Running' }).Count -ge $Count
    }
}

# Starts $Count nodes whose embedded servers form one cluster, as jobs (they must start together).
function Start-TestCluster([string] $Name, [int] $Count, [int] $FirstNodeId = 1, [string] $Snapshot = "[snapshot]`nenabled = false") {
    $routes = 1..$Count | ForEach-Object { Get-FreePort }
    foreach ($i in 1..$Count) {
        $id = $FirstNodeId + $i - 1
        $db = New-TestDatabase "$Name/node-$id/node.db"
        $config = New-TestConfig "$Name-node-$id" $db $id -Snapshot $Snapshot -Prefix $Name
        $peers = 1..$Count | Where-Object { $_ -ne $i } | ForEach-Object { "nats://127.0.0.1:$($routes[$_ - 1])" }
        Start-HarmonyNode -ConfigPath $config -ClusterAddress "127.0.0.1:$($routes[$i - 1])" -ClusterPeers $peers -AsJob
    }
}

# The command that starts this pwsh again: its own executable, or (the dotnet tool) dotnet with pwsh.dll.
function Get-PwshCommand {
    $native = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $native) { return , @($native) }
    , @((Get-Process -Id $PID).Path, (Join-Path $PSHOME 'pwsh.dll'))
}

# Runs a script in a new pwsh process (the repository's), returning its exit code and output.
function Invoke-Pwsh([string] $Script, [string] $WorkingDirectory = $script:Work, [int] $TimeoutSeconds = 300, [string[]] $Arguments = @()) {
    $file = Join-Path $script:Work "script-$([guid]::NewGuid().ToString('N').Substring(0, 8)).ps1"
    Set-Content $file $Script
    $command = Get-PwshCommand
    $info = [Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($argument in @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file) + $Arguments) { $info.ArgumentList.Add($argument) }
    $info.WorkingDirectory = $WorkingDirectory
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($info)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
        $process.Kill($true)
        throw "pwsh -File $file did not end within $TimeoutSeconds s. Output so far: $($stdout.Result)"
    }
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
}

# Runs a script in a runspace of its own (the same process), returning what it wrote and its progress records.
function Invoke-InRunspace([string] $Script) {
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$script:ModuleManifest'; `$ProgressPreference = 'Continue'; Set-Location '$script:Work'`n$Script")
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = $output; Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error) }
    }
    finally {
        $ps.Dispose()
    }
}

function Remove-TestWork {
    Get-HarmonyNode | Stop-HarmonyNode -Confirm:$false -ErrorAction Continue
    Get-Job | Where-Object PSJobTypeName -eq 'HarmonyNodeJob' | Remove-Job -Force
    foreach ($server in $script:NatsServers) { if (-not $server.HasExited) { $server.Kill(); $server.WaitForExit(10000) | Out-Null } }
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}
