using System.Text.Json;
using HarmonyLite.Host.CommandLine;
using HarmonyLite.Host.Tests.Support;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Host.Tests;

/// <summary>The harmonylite executable, run as a child process: exit codes, stdout and stderr.</summary>
public sealed class HarmonyliteCommandTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Print_config_of_an_example_node_prints_its_json(int node)
    {
        var result = await HarmonyliteProcess.RunAsync("-config", $"examples/node-{node}.toml", "-print-config");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(
            ["db_path", "node_id", "seq_map_path", "replicate", "publish", "scan_max_changes", "cleanup_interval", "sleep_timeout", "polling_interval", "tombstone_retention_seconds",
             "snapshot", "replication_log", "nats", "prometheus", "logging", "health_check", "cluster"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal($"/tmp/harmonylite-{node}.db", root.GetProperty("db_path").GetString());
        Assert.Equal(node, root.GetProperty("node_id").GetInt64());
        Assert.True(root.GetProperty("snapshot").GetProperty("enabled").GetBoolean());
        Assert.Equal("nats", root.GetProperty("snapshot").GetProperty("store").GetString());
        Assert.Equal(0, root.GetProperty("nats").GetProperty("urls").GetArrayLength());
    }

    [Fact]
    public async Task Cluster_flags_appear_in_the_printed_configuration()
    {
        var result = await HarmonyliteProcess.RunAsync(
            "-config", "examples/node-1.toml", "-cluster-addr", "127.0.0.1:4221",
            "--cluster-peers=nats://127.0.0.1:4222,nats://127.0.0.1:4223", "-node-id", "11", "--print-config");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var cluster = json.RootElement.GetProperty("cluster");
        Assert.Equal(11, json.RootElement.GetProperty("node_id").GetInt64());
        Assert.Equal("127.0.0.1:4221", cluster.GetProperty("listen_address").GetString());
        Assert.Equal(["nats://127.0.0.1:4222", "nats://127.0.0.1:4223"], cluster.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Print_config_hides_tokens_and_passwords_in_urls_and_every_secret_setting()
    {
        using var directory = new TempDirectory();
        var path = directory.File("node.toml");
        await File.WriteAllTextAsync(path, """
            node_id = 4
            [nats]
            urls = ["nats://tok123@host:4222", "nats://user:pw456@host:4223"]
            user_password = "pw789"
            cluster_secret = "route-secret"
            [snapshot.s3]
            secret = "s3-secret"
            session_token = "s3-session"
            """);

        var result = await HarmonyliteProcess.RunAsync("-config", path, "-cluster-addr", ":4221",
            "-cluster-peers", "nats://peer-token@10.0.0.2:4221", "-print-config");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var secret in new[] { "tok123", "pw456", "pw789", "route-secret", "s3-secret", "s3-session", "peer-token" })
        {
            Assert.DoesNotContain(secret, result.Output);
        }
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(["nats://<redacted>@host:4222", "nats://user:<redacted>@host:4223"],
            json.RootElement.GetProperty("nats").GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task A_directory_given_as_config_exits_2_saying_it_is_a_directory()
    {
        using var directory = new TempDirectory();

        var result = await HarmonyliteProcess.RunAsync("-config", directory.Path, "-print-config");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{directory.Path}: -config: is a directory, not a configuration file", result.Error);
        Assert.DoesNotContain("Access to the path", result.Error);
    }

    [Theory]
    [InlineData("x = ", "[", "]")]
    [InlineData("x = ", "{ a = ", "}")]
    public async Task A_configuration_nested_thousands_deep_exits_2_with_a_message(string prefix, string open, string close)
    {
        // 20,000-50,000 levels crashed the process with "Stack overflow." (exit 134).
        using var directory = new TempDirectory();
        var path = directory.File("deep.toml");
        await File.WriteAllTextAsync(path, "node_id = 4\n" + prefix + string.Concat(Enumerable.Repeat(open, 50_000)) + "1" + string.Concat(Enumerable.Repeat(close, 50_000)) + "\n");

        var result = await HarmonyliteProcess.RunAsync("-config", path, "-print-config");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{path}:2: column ", result.Error);
        Assert.Contains("nest deeper than 32 levels", result.Error);
    }

    [Fact]
    public async Task A_duplicate_key_exits_2_naming_its_line()
    {
        using var directory = new TempDirectory();
        var path = directory.File("node.toml");
        await File.WriteAllTextAsync(path, "node_id = 4\n[nats]\nurls = []\n\nurls = [\"nats://a:4222\"]\n");

        var result = await HarmonyliteProcess.RunAsync("-config", path, "-print-config");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{path}:5: column 1: ", result.Error);
        Assert.Contains("already defined", result.Error);
    }

    [Fact]
    public async Task A_cluster_address_without_peers_exits_2_explaining_what_a_cluster_needs()
    {
        // It used to start nats-server, which failed with "JetStream cluster requires configured routes".
        var result = await HarmonyliteProcess.RunAsync("-config", "examples/node-1.toml", "-cluster-addr", "127.0.0.1:4221");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("command line: -cluster-addr: is set without -cluster-peers", result.Error);
        Assert.Contains("leave -cluster-addr out to run a single node", result.Error);
    }

    [Fact]
    public async Task A_misspelt_key_warns_with_its_line_and_a_suggestion_and_still_exits_0()
    {
        using var directory = new TempDirectory();
        var path = directory.File("node.toml");
        await File.WriteAllTextAsync(path, "db_path = \"/tmp/typo.db\"\nnode_id = 4\nscan_max_chnages = 100\n");

        var result = await HarmonyliteProcess.RunAsync($"--config={path}", "-print-config");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"warning: {path}:3: unknown key 'scan_max_chnages' is ignored; did you mean 'scan_max_changes'?", result.Error);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(512, json.RootElement.GetProperty("scan_max_changes").GetInt64());
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_exits_2_naming_file_line_and_key()
    {
        using var directory = new TempDirectory();
        var path = directory.File("node.toml");
        await File.WriteAllTextAsync(path, "db_path = \"/tmp/x.db\"\nnode_id = 4\n\n[replication_log]\nshards = \"two\"\n");

        var result = await HarmonyliteProcess.RunAsync("-config", path, "-print-config");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Output);
        Assert.Contains($"{path}:5: replication_log.shards: expected an integer from 1 to 1024, got \"two\"", result.Error);
    }

    [Fact]
    public async Task A_snapshot_store_missing_a_setting_exits_2_naming_the_key()
    {
        using var directory = new TempDirectory();
        var path = directory.File("node.toml");
        await File.WriteAllTextAsync(path, "node_id = 4\n[snapshot]\nstore = \"s3\"\n[snapshot.s3]\nbucket = \"b\"\n");

        var result = await HarmonyliteProcess.RunAsync("-config", path, "-print-config");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{path}:3: snapshot.s3.endpoint: required when snapshot.store = \"s3\"", result.Error);
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var result = await HarmonyliteProcess.RunAsync("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("harmonylite 0.1.0", result.Output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_lists_every_flag_and_exits_0(string flag)
    {
        var result = await HarmonyliteProcess.RunAsync(flag);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Usage: harmonylite [flags]", result.Output);
        Assert.All(HostFlags.All, f => Assert.Contains($"  {f.Synopsis} ", result.Output));
        var supported = result.Output[..result.Output.IndexOf("Flags of Go HarmonyLite that this version refuses", StringComparison.Ordinal)];
        Assert.All(new[] { "-health-check ", "-health-bind HOST:PORT ", "-health-path PATH " }, f => Assert.Contains(f, supported));
    }

    [Theory]
    [InlineData("flag provided but not defined: -bogus", "-bogus")]
    [InlineData("flag needs an argument: -config", "-config")]
    [InlineData("-pprof is not supported by this version", "-pprof", ":6060")]
    public async Task A_bad_command_line_exits_2_and_says_why(string message, params string[] args)
    {
        var result = await HarmonyliteProcess.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.Contains("harmonylite --help", result.Error);
    }

    [Fact]
    public async Task Running_a_node_on_a_missing_database_exits_1_saying_what_to_do()
    {
        using var dir = new TempDirectory();
        var config = dir.File("node.toml");
        await File.WriteAllTextAsync(config, $"db_path = \"{dir.File("missing.db")}\"\nnode_id = 5\n");

        var result = await HarmonyliteProcess.RunAsync("-config", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("missing.db (db_path) does not exist", result.Error);
    }
}
