using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

/// <summary>One embedded nats-server at a time: start, greet, include, stop, crash recovery, left-behind children.</summary>
public sealed class EmbeddedNatsServerTests : IDisposable
{
    private readonly TempDirectory _dataDirectory = new("embedded-nats");
    private readonly TestLoggerFactory _loggers;

    public EmbeddedNatsServerTests(ITestOutputHelper output) => _loggers = new TestLoggerFactory(output);

    public void Dispose() => _dataDirectory.Dispose();

    private EmbeddedNatsServerOptions Options(long nodeId = 1) => new()
    {
        NodeId = nodeId,
        DataDirectory = _dataDirectory.Path,
        LoggerFactory = _loggers,
        StartTimeout = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public async Task Starts_with_JetStream_under_the_data_directory_and_greets_with_its_name()
    {
        await using var server = new EmbeddedNatsServer(Options(nodeId: 7));
        await server.StartAsync();

        var info = await NatsClientProbe.ReadInfoAsync(server.ClientUrl);
        Assert.StartsWith("INFO {", info);
        Assert.Contains("\"jetstream\":true", info);
        Assert.Contains("\"server_name\":\"harmonylite-node-7\"", info);
        Assert.Equal("harmonylite-node-7", server.ServerName);
        Assert.StartsWith("nats://127.0.0.1:", server.ClientUrl);
        Assert.StartsWith("http://127.0.0.1:", server.MonitorUrl);
        Assert.True(await NatsClientProbe.IsHealthyAsync(server.MonitorUrl));

        var expectedStore = Path.Combine(_dataDirectory.Path, "nats", "harmonylite-node-7");
        Assert.Equal(expectedStore, server.StoreDirectory);
        Assert.True(Directory.Exists(Path.Combine(expectedStore, "jetstream")), "nats-server keeps its JetStream data under the node's data directory");
        var jsz = await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/jsz");
        Assert.Equal(Path.Combine(expectedStore, "jetstream"), jsz.GetProperty("config").GetProperty("store_dir").GetString());

        Assert.StartsWith(_dataDirectory.Path, server.PidFile);
        Assert.Equal(server.ProcessId.ToString(), File.ReadAllText(server.PidFile).Trim());
        Assert.Contains(_loggers.Entries, e => e.Level == LogLevel.Debug && e.Category.EndsWith("NatsServerOutput") && e.Message.Contains("Server is ready"));
    }

    [Fact]
    public async Task The_server_runs_in_its_own_session_so_a_terminal_Ctrl_C_does_not_reach_it()
    {
        if (!OperatingSystem.IsLinux()) return; // sessions are set with util-linux setsid, on Linux only
        await using var server = new EmbeddedNatsServer(Options());
        await server.StartAsync();

        static string SessionOf(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3];
        var serverSession = SessionOf(await File.ReadAllTextAsync($"/proc/{server.ProcessId}/stat"));
        var ourSession = SessionOf(await File.ReadAllTextAsync("/proc/self/stat"));
        Assert.NotEqual(ourSession, serverSession);
        Assert.Equal(server.ProcessId.ToString(), serverSession);
        Assert.Contains("nats-server", await File.ReadAllTextAsync($"/proc/{server.ProcessId}/comm"));
    }

    [Fact]
    public async Task Stop_ends_the_process_and_removes_the_pid_file()
    {
        await using var server = new EmbeddedNatsServer(Options());
        await server.StartAsync();
        var processId = server.ProcessId!.Value;

        await server.StopAsync();

        Assert.False(NatsClientProbe.IsAlive(processId));
        Assert.False(File.Exists(server.PidFile));
        Assert.Null(server.ProcessId);
        var notRunning = Assert.Throws<InvalidOperationException>(() => server.ClientUrl);
        Assert.Contains("StartAsync", notRunning.Message);
        Assert.Contains(_loggers.Entries, e => e.Message.Contains("Server Exiting"));
    }

    [Fact]
    public async Task The_included_server_config_takes_effect()
    {
        // Somewhere else than the data directory, with a space: the include must still find it.
        using var userConfigDirectory = new TempDirectory("user nats config");
        var userConfig = userConfigDirectory.File("extra settings.conf");
        await File.WriteAllTextAsync(userConfig, "max_payload: 54321\n");

        await using var server = new EmbeddedNatsServer(Options() with { IncludeConfigFile = userConfig });
        await server.StartAsync();

        var info = await NatsClientProbe.ReadInfoAsync(server.ClientUrl);
        Assert.Contains("\"max_payload\":54321", info);
    }

    [Fact]
    public async Task Paths_with_quotes_dollars_backslashes_and_spaces_are_written_safely()
    {
        var oddDirectory = Path.Combine(_dataDirectory.Path, "node \"one\" $HOME \\ 'x'");
        await using var server = new EmbeddedNatsServer(Options() with { DataDirectory = oddDirectory });
        await server.StartAsync();

        Assert.True(Directory.Exists(Path.Combine(oddDirectory, "nats", "harmonylite-node-1", "jetstream")));
    }

    [Fact]
    public async Task A_child_left_behind_by_a_crashed_owner_is_stopped_before_the_new_one_starts()
    {
        var crashed = new EmbeddedNatsServer(Options());
        await crashed.StartAsync();
        var oldPort = new Uri(crashed.ClientUrl).Port;
        await using var orphan = await crashed.AbandonChildAsync();
        await crashed.DisposeAsync(); // the owner is gone; its child is not
        Assert.True(NatsClientProbe.IsAlive(orphan.ProcessId), "the abandoned child runs on, as after a crash of its owner");
        Assert.True(File.Exists(crashed.PidFile));

        // Same port as the orphan holds: the new server can only bind it once the orphan is gone.
        await using var successor = new EmbeddedNatsServer(Options() with { ClientListen = new HostPort("127.0.0.1", oldPort) });
        await successor.StartAsync();

        Assert.True(orphan.HasExited);
        Assert.NotEqual(orphan.ProcessId, successor.ProcessId);
        Assert.Equal($"nats://127.0.0.1:{oldPort}", successor.ClientUrl);
        Assert.Contains("\"jetstream\":true", await NatsClientProbe.ReadInfoAsync(successor.ClientUrl));
        Assert.Contains(_loggers.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"{orphan.ProcessId} was left running"));
    }

    [Fact]
    public async Task A_left_behind_server_that_is_no_child_of_ours_is_stopped_as_well()
    {
        if (OperatingSystem.IsWindows()) return; // detaching the server below uses sh
        var port = FreePort.Next();
        string configFile, pidFile;
        await using (var first = new EmbeddedNatsServer(Options() with { ClientListen = new HostPort("127.0.0.1", port) }))
        {
            await first.StartAsync(); // writes the config a crashed node leaves behind
            (configFile, pidFile) = (first.ConfigFile, first.PidFile);
        }

        // Started through a shell that exits at once: the server is reparented away from this process,
        // as the child of a crashed node is.
        var launch = new ProcessStartInfo("/bin/sh", ["-c", "\"$0\" -c \"$1\" >/dev/null 2>&1 & echo $!", new NatsServerExecutableLocator().Locate(), configFile])
        {
            RedirectStandardOutput = true,
        };
        int orphanId;
        using (var shell = Process.Start(launch)!)
        {
            orphanId = int.Parse((await shell.StandardOutput.ReadToEndAsync()).Trim());
            await shell.WaitForExitAsync();
        }
        try
        {
            await File.WriteAllTextAsync(pidFile, orphanId.ToString());
            await Eventually.WaitUntilAsync(async () => (await NatsClientProbe.ReadInfoAsync($"nats://127.0.0.1:{port}")).Contains("harmonylite-node-1"), "the detached server to serve its port");

            await using var successor = new EmbeddedNatsServer(Options() with { ClientListen = new HostPort("127.0.0.1", port) });
            await successor.StartAsync();

            Assert.False(NatsClientProbe.IsAlive(orphanId));
            Assert.NotEqual(orphanId, successor.ProcessId);
            Assert.Equal($"nats://127.0.0.1:{port}", successor.ClientUrl);
        }
        finally
        {
            if (NatsClientProbe.IsAlive(orphanId))
                using (var orphan = Process.GetProcessById(orphanId)) orphan.Kill();
        }
    }

    [Fact]
    public async Task A_pid_file_naming_a_dead_or_an_unrelated_process_is_only_removed()
    {
        var serverDirectory = Path.Combine(_dataDirectory.Path, "nats", "harmonylite-node-1");
        Directory.CreateDirectory(serverDirectory);
        var pidFile = Path.Combine(serverDirectory, "nats-server.pid");

        // A nats-server that has exited: its pid is dead.
        using var finished = Process.Start(new ProcessStartInfo(new NatsServerExecutableLocator().Locate(), ["--version"]) { RedirectStandardOutput = true })!;
        await finished.WaitForExitAsync();
        await File.WriteAllTextAsync(pidFile, finished.Id.ToString());
        await using (var first = new EmbeddedNatsServer(Options()))
        {
            await first.StartAsync();
            Assert.Equal(first.ProcessId.ToString(), File.ReadAllText(pidFile).Trim());
        }

        // A live process that is not our nats-server: this very test process. It must survive.
        await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString());
        await using var second = new EmbeddedNatsServer(Options());
        await second.StartAsync();
        Assert.Equal(second.ProcessId.ToString(), File.ReadAllText(pidFile).Trim());
        Assert.Contains(_loggers.Entries, e => e.Message.Contains($"process {Environment.ProcessId} is not a nats-server started with"));
    }

    [Fact]
    public async Task A_second_live_owner_of_the_same_directory_is_refused()
    {
        await using var owner = new EmbeddedNatsServer(Options());
        await owner.StartAsync();

        await using var intruder = new EmbeddedNatsServer(Options());
        var refused = await Assert.ThrowsAsync<EmbeddedNatsServerStartException>(() => intruder.StartAsync());

        Assert.Contains("in use by another running HarmonyLite node", refused.Message);
        Assert.True(await NatsClientProbe.IsHealthyAsync(owner.MonitorUrl), "the owner's server is untouched");
    }

    [Fact]
    public async Task A_nodes_server_listens_for_clients_on_loopback_unless_bind_address_says_otherwise()
    {
        // A node's default configuration: nats.bind_address is not set.
        var config = new HarmonyConfig { DbPath = Path.Combine(_dataDirectory.Path, "app.db"), NodeId = 3 };
        await using var server = new EmbeddedNatsServer(EmbeddedNatsServerOptions.For(config, _loggers));
        await server.StartAsync();

        var varz = await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/varz");
        Assert.Equal("127.0.0.1", varz.GetProperty("host").GetString());
        Assert.Contains("host: \"127.0.0.1\"", await File.ReadAllTextAsync(server.ConfigFile));
        Assert.DoesNotContain(_loggers.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("anyone who can reach it"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.ConfigFile));
    }

    [Fact]
    public async Task Listening_on_every_interface_is_honoured_with_a_warning()
    {
        var config = new HarmonyConfig
        {
            DbPath = Path.Combine(_dataDirectory.Path, "app.db"),
            NodeId = 4,
            Nats = new NatsConfig { BindAddress = new HostPort("", HostPort.AnyPort) },
        };
        await using var server = new EmbeddedNatsServer(EmbeddedNatsServerOptions.For(config, _loggers));
        await server.StartAsync();

        var varz = await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/varz");
        Assert.Equal("0.0.0.0", varz.GetProperty("host").GetString());
        Assert.Contains(_loggers.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("anyone who can reach it can publish changes"));
    }

    [Fact]
    public async Task The_restart_wait_starts_afresh_after_a_healthy_run()
    {
        // Kills a few seconds apart once gave outages of 0.8, 1.6, 2.2, 4.6 and then 24.7 s: the wait only grew.
        await using var server = new EmbeddedNatsServer(Options() with
        {
            RestartDelay = TimeSpan.FromMilliseconds(400),
            MaxRestartDelay = TimeSpan.FromSeconds(30),
            HealthyRunTime = TimeSpan.FromSeconds(1),
        });
        // Each run answers for longer than HealthyRunTime before its kill: a healthy run.
        var restarts = await KillRepeatedlyAsync(server, kills: 5, runFor: TimeSpan.FromSeconds(1.5));

        // Without the reset the waits would be 0.4, 0.8, 1.6, 3.2 and 6.4 s.
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMilliseconds(400), 5), restarts.Select(r => r.BackOff));
        Assert.All(restarts, r => Assert.Equal(1, r.Attempts));
        Assert.All(restarts, r => Assert.True(r.Downtime < TimeSpan.FromSeconds(30), $"an outage of {r.Downtime.TotalSeconds:0.0} s"));
    }

    [Fact]
    public async Task A_server_that_dies_soon_after_each_restart_keeps_backing_off()
    {
        await using var server = new EmbeddedNatsServer(Options() with
        {
            RestartDelay = TimeSpan.FromMilliseconds(200),
            HealthyRunTime = TimeSpan.FromMinutes(5),
        });
        var restarts = await KillRepeatedlyAsync(server, kills: 3, runFor: TimeSpan.Zero);

        // The first wait is the restart delay; each run too short to count as healthy doubles the next.
        Assert.Equal([200, 400, 800], restarts.Select(r => r.BackOff.TotalMilliseconds));
    }

    /// <summary>Starts the server, then <paramref name="kills"/> times lets it run, kills it (SIGKILL) and waits for its restart.</summary>
    private static async Task<List<EmbeddedNatsServerRestartedEventArgs>> KillRepeatedlyAsync(EmbeddedNatsServer server, int kills, TimeSpan runFor)
    {
        var restarts = new List<EmbeddedNatsServerRestartedEventArgs>();
        server.Restarted += (_, e) => { lock (restarts) restarts.Add(e); };
        await server.StartAsync();
        for (var kill = 1; kill <= kills; kill++)
        {
            // The length of the run is what is under test, not a wait for something to happen.
            if (runFor > TimeSpan.Zero) await Task.Delay(runFor);
            using (var child = Process.GetProcessById(server.ProcessId!.Value)) child.Kill();
            await Eventually.WaitUntilAsync(() => { lock (restarts) return restarts.Count == kill; }, $"restart {kill}", timeout: TimeSpan.FromSeconds(60));
        }

        return restarts;
    }

    [Fact]
    public async Task A_killed_child_is_restarted_on_the_same_port_and_JetStream_answers_again()
    {
        await using var server = new EmbeddedNatsServer(Options() with { RestartDelay = TimeSpan.FromMilliseconds(100) });
        var exited = new TaskCompletionSource<EmbeddedNatsServerExitedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource<EmbeddedNatsServerRestartedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Exited += (_, e) => exited.TrySetResult(e);
        server.Restarted += (_, e) => restarted.TrySetResult(e);
        await server.StartAsync();
        var clientUrl = server.ClientUrl;
        var firstProcessId = server.ProcessId!.Value;

        using (var child = Process.GetProcessById(firstProcessId)) child.Kill(); // SIGKILL, as a crash

        var exit = await exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(firstProcessId, exit.ProcessId);
        Assert.NotEqual(0, exit.ExitCode);
        var restart = await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(firstProcessId, restart.ProcessId);
        Assert.Equal(restart.ProcessId, server.ProcessId);
        Assert.Equal(clientUrl, restart.ClientUrl);
        Assert.Equal(clientUrl, server.ClientUrl);
        Assert.True(await NatsClientProbe.IsHealthyAsync(server.MonitorUrl));
        Assert.Contains("\"jetstream\":true", await NatsClientProbe.ReadInfoAsync(server.ClientUrl));
        Assert.Equal(restart.ProcessId.ToString(), File.ReadAllText(server.PidFile).Trim());
        Assert.Contains(_loggers.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("exited unexpectedly"));
    }

    [Fact]
    public async Task Failed_restarts_are_retried_until_the_server_comes_back()
    {
        await using var server = new EmbeddedNatsServer(Options() with { RestartDelay = TimeSpan.FromMilliseconds(200) });
        TcpListener? squatter = null;
        var restarted = new TaskCompletionSource<EmbeddedNatsServerRestartedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await server.StartAsync();
        var port = new Uri(server.ClientUrl).Port;
        // Raised before the first restart attempt: taking the port now makes that attempt fail.
        server.Exited += (_, _) =>
        {
            squatter = new TcpListener(IPAddress.Loopback, port);
            squatter.Start();
        };
        server.Restarted += (_, e) => restarted.TrySetResult(e);

        try
        {
            using (var child = Process.GetProcessById(server.ProcessId!.Value)) child.Kill();
            await Eventually.WaitUntilAsync(
                () => _loggers.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("Restart attempt 1 of nats-server")),
                "the first restart attempt to fail on the taken port");
        }
        finally
        {
            squatter?.Stop();
        }

        var restart = await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(restart.Attempts >= 2, $"took {restart.Attempts} attempt(s)");
        Assert.Equal($"nats://127.0.0.1:{port}", server.ClientUrl);
        Assert.True(await NatsClientProbe.IsHealthyAsync(server.MonitorUrl));
    }

    [Fact]
    public async Task Leaf_servers_become_leafnode_remotes()
    {
        var leafPort = FreePort.Next();
        await using var hub = await NatsServerProcess.StartAsync(new NatsServerOptions { ExtraConfig = $"leafnodes {{ listen: \"127.0.0.1:{leafPort}\" }}" });

        await using var server = new EmbeddedNatsServer(Options() with { Cluster = new ClusterOptions { LeafServers = [new LeafServer(new Uri($"nats://127.0.0.1:{leafPort}"), false)] } });
        await server.StartAsync();

        await Eventually.WaitUntilAsync(
            async () => (await NatsClientProbe.GetJsonAsync($"http://127.0.0.1:{hub.MonitorPort}", "/leafz")).GetProperty("leafnodes").GetInt32() == 1,
            "the hub to see the embedded server as a leafnode");
        var leafz = await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/leafz");
        Assert.Equal(1, leafz.GetProperty("leafnodes").GetInt32());
    }

    [Fact]
    public async Task A_server_that_exits_while_starting_fails_the_start_with_its_output()
    {
        using var userConfigDirectory = new TempDirectory("user-nats-config");
        var broken = userConfigDirectory.File("broken.conf");
        await File.WriteAllTextAsync(broken, "max_payload: {{{ not a value\n");

        await using var server = new EmbeddedNatsServer(Options() with { IncludeConfigFile = broken });
        var failure = await Assert.ThrowsAsync<EmbeddedNatsServerStartException>(() => server.StartAsync());

        Assert.Contains("exited with code", failure.Message);
        Assert.Contains("broken.conf", failure.RecentOutput);
        Assert.False(File.Exists(server.PidFile));
        Assert.Null(server.ProcessId);
    }

    [Fact]
    public async Task A_missing_include_file_is_named()
    {
        var missing = Path.Combine(_dataDirectory.Path, "no-such.conf");
        await using var server = new EmbeddedNatsServer(Options() with { IncludeConfigFile = missing });

        var failure = await Assert.ThrowsAsync<FileNotFoundException>(() => server.StartAsync());

        Assert.Contains(missing, failure.Message);
        Assert.Contains("nats.server_config", failure.Message);
    }

    [Fact]
    public async Task A_cluster_without_reachable_peers_times_out_naming_what_it_saw()
    {
        var options = Options() with
        {
            Cluster = new ClusterOptions
            {
                ListenAddress = new HostPort("127.0.0.1", FreePort.Next()),
                // Nobody listens there: JetStream never finds a meta leader. The second carries a password that must not be shown.
                Peers = [new Uri($"nats://127.0.0.1:{FreePort.Next()}"), new Uri($"nats://route:hunter2@127.0.0.1:{FreePort.Next()}")],
            },
            StartTimeout = TimeSpan.FromSeconds(6),
        };
        await using var server = new EmbeddedNatsServer(options);

        var failure = await Assert.ThrowsAsync<EmbeddedNatsServerStartException>(() => server.StartAsync());

        Assert.Contains("did not become ready within 6 s", failure.Message);
        Assert.Contains("/healthz answered 503", failure.Message);
        Assert.Contains("Routes connected: 0", failure.Message);
        Assert.Contains("majority", failure.Message);
        Assert.Contains("nats://route:<redacted>@127.0.0.1:", failure.Message);
        Assert.DoesNotContain("hunter2", failure.Message);
        Assert.Null(server.ProcessId);
        Assert.False(File.Exists(server.PidFile));
    }

    [Fact]
    public async Task A_missing_executable_says_how_to_install_nats_server()
    {
        var missing = Path.Combine(_dataDirectory.Path, "bin", "nats-server");
        await using var server = new EmbeddedNatsServer(Options() with { ExecutablePath = missing });

        var failure = await Assert.ThrowsAsync<NatsServerNotFoundException>(() => server.StartAsync());

        Assert.Contains(missing, failure.Message);
        Assert.Contains("apt-get install nats-server", failure.Message);
        Assert.Contains("brew install nats-server", failure.Message);
        Assert.Contains("winget install", failure.Message);
        Assert.Contains("choco install nats-server", failure.Message);
        Assert.Contains("HARMONYLITE_NATS_SERVER", failure.Message);
    }
}
