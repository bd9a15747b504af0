#Requires -Version 7.4
# The README's pwsh section, run verbatim in a fresh copy of the repository (its tracked files, nothing built).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Quickstart = 1..3 | ForEach-Object { "/tmp/harmonylite-$_.db" }
    function Remove-Quickstart {
        foreach ($db in $script:Quickstart) { Remove-Item "$db*" -Force -ErrorAction SilentlyContinue }
        Remove-Item /tmp/harmonylite-*-seq-map.cbor -Force -ErrorAction SilentlyContinue
        1..3 | ForEach-Object { Remove-Item "/tmp/nats/harmonylite-node-$_" -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

AfterAll {
    Remove-Quickstart
    Remove-TestWork
}

Describe 'The README' -Skip:$IsWindows {
    It 'runs its pwsh section verbatim in a fresh clone' {
        $readme = Get-Content (Join-Path $script:Root 'README.md') -Raw
        $section = [regex]::Match($readme, '(?s)## From pwsh.*?```powershell\r?\n(?<code>.*?)```').Groups['code'].Value
        $section | Should -Match 'Start-HarmonyNode'
        foreach ($port in 4221..4223 + 4231..4233) {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
            try { $listener.Start() } catch { Set-ItResult -Inconclusive -Because "port $port of the quick start is in use on this machine" ; return } finally { $listener.Stop() }
        }
        Remove-Quickstart
        $clone = Join-Path $script:Work 'clone'
        foreach ($file in (git -C $script:Root ls-files)) {
            $target = Join-Path $clone $file
            New-Item -ItemType Directory (Split-Path $target) -Force | Out-Null
            Copy-Item -LiteralPath (Join-Path $script:Root $file) $target
        }
        Set-Content (Join-Path $clone 'readme.ps1') $section
        # The section as it is; the harness only fails the run on any error it wrote, a native command's non-zero exit
        # (sqlite3's "database is locked", say) included.
        $run = Invoke-Pwsh "`$ErrorActionPreference = 'Continue'; `$PSNativeCommandUseErrorActionPreference = `$true; . ./readme.ps1; if (`$Error.Count) { `$Error | Out-String | Write-Host; exit 1 }" -WorkingDirectory $clone -TimeoutSeconds 1200
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)`n$($run.Error)"
        $run.Output | Should -Match 'What if: .*would replicate Books'
        foreach ($db in $script:Quickstart) { Invoke-Sqlite $db 'SELECT title FROM Books WHERE id = 8;' | Should -Be 'Dune' }
    }
}
