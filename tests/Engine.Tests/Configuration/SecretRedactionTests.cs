using System.Text;
using HarmonyLite.Engine.Configuration;
using Xunit;

namespace HarmonyLite.Engine.Tests.Configuration;

/// <summary>Every form a secret takes is hidden wherever the configuration is printed.</summary>
public sealed class SecretRedactionTests
{
    private static readonly MachineIdentity Machine = new([], () => "redaction-host");

    [Theory]
    [InlineData("nats://tok123@host:4222", "nats://<redacted>@host:4222")]
    [InlineData("nats://user:pass@host:4222", "nats://user:<redacted>@host:4222")]
    [InlineData("tls://user:p%40ss@host:4222/", "tls://user:<redacted>@host:4222/")]
    [InlineData("wss://user:pa:ss@[::1]:443/path?q=a@b", "wss://user:<redacted>@[::1]:443/path?q=a@b")]
    [InlineData("nats://host:4222", "nats://host:4222")]
    [InlineData("host:4222", "host:4222")]
    [InlineData("sftp://u:pw@host:22/p", "sftp://u:<redacted>@host:22/p")]
    [InlineData("", "")]
    public void Urls_lose_their_passwords_and_tokens(string url, string shown) =>
        Assert.Equal(shown, SecretRedaction.Url(url));

    [Fact]
    public void Print_config_hides_every_secret_form()
    {
        var config = Load("""
            [nats]
            urls = ["nats://tok123@a:4222", "nats://user:pw-in-url@b:4222"]
            user_password = "pw-setting"
            cluster_secret = "cluster-secret"
            [snapshot.s3]
            secret = "s3-secret"
            session_token = "s3-session"
            [snapshot.webdav]
            url = "https://dav-user:dav-pw@dav/x"
            """, new ConfigurationOverrides { LeafServers = "nats://leaf-token@hub:7422" });

        var printed = new[]
        {
            config.ToJson(), config.ToString(), config.Nats.ToString(), config.Snapshot.ToString(), config.Snapshot.S3.ToString(),
            config.Snapshot.WebDav.ToString(), config.Cluster.ToString(), config.Cluster.LeafServers[0].ToString(),
        };

        foreach (var text in printed)
        {
            foreach (var secret in new[] { "tok123", "pw-in-url", "pw-setting", "cluster-secret", "s3-secret", "s3-session", "dav-pw", "leaf-token" })
            {
                Assert.DoesNotContain(secret, text);
            }
        }
        Assert.Contains("nats://<redacted>@a:4222", printed[0]);
        Assert.Contains("nats://user:<redacted>@b:4222", printed[0]);
        Assert.Contains("\"cluster_secret\": \"<redacted>\"", printed[0]);
        Assert.Contains("\"user_password\":\"<redacted>\"", printed[2]);
        Assert.Contains("nats://<redacted>@hub:7422", printed[6]);
    }

    [Fact]
    public void An_unset_secret_prints_as_unset()
    {
        var json = Load("").ToJson();

        Assert.Contains("\"user_password\": \"\"", json);
        Assert.Contains("\"cluster_secret\": \"\"", json);
    }

    private static HarmonyConfig Load(string toml, ConfigurationOverrides? overrides = null) =>
        ConfigurationLoader.Parse(Encoding.UTF8.GetBytes(toml), "secrets.toml", overrides, Machine).Config;
}
