using System.Text;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots.Stores.Sftp;
using HarmonyLite.Engine.Snapshots.Stores.WebDav;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>The remote stores' settings as a config.toml gives them: Go's forms accepted, unusable ones refused at load naming the key.</summary>
public sealed class StoreSettingsTests
{
    private static LoadedConfiguration Load(string toml) =>
        ConfigurationLoader.Parse(Encoding.UTF8.GetBytes("db_path = \"/x.db\"\nnode_id = 1\n" + toml), "node.toml", machine: new MachineIdentity([], () => "host"));

    [Fact]
    public void The_go_documentations_examples_load()
    {
        Load("""
            [snapshot]
            store = "s3"
            [snapshot.s3]
            endpoint = "s3.amazonaws.com"
            path = "harmonylite/snapshots"
            bucket = "your-backup-bucket"
            use_ssl = true
            access_key = "your-access-key"
            secret = "your-secret-key"
            session_token = ""
            """);
        Load("""
            [snapshot]
            store = "webdav"
            [snapshot.webdav]
            url = "https://dav.example.com/web_dav_path?dir=/snapshots/path/for/harmonylite&login=user&secret=password"
            """);
        Load("""
            [snapshot]
            store = "sftp"
            [snapshot.sftp]
            url = "sftp://backup:secret@10.0.0.5:22/mnt/backups"
            """);
    }

    [Theory]
    [InlineData("s3", "[snapshot.s3]\nendpoint = \"https://s3.amazonaws.com\"\nbucket = \"b12\"", 6, "snapshot.s3.endpoint", "without a scheme")]
    [InlineData("s3", "[snapshot.s3]\nendpoint = \"minio:9000/x\"\nbucket = \"b12\"", 6, "snapshot.s3.endpoint", "expected host[:port]")]
    [InlineData("s3", "[snapshot.s3]\nendpoint = \"minio:9000\"", 4, "snapshot.s3.bucket", "required when snapshot.store = \"s3\"")]
    [InlineData("s3", "[snapshot.s3]\nendpoint = \"minio:9000\"\nbucket = \"no spaces\"", 7, "snapshot.s3.bucket", "is not a bucket name")]
    [InlineData("s3", "[snapshot.s3]\nendpoint = \"minio:9000\"\nbucket = \"b12\"\naccess_key = \"k\"", 4, "snapshot.s3.secret", "together")]
    [InlineData("webdav", "[snapshot.webdav]\nurl = \"ftp://host/x\"", 6, "snapshot.webdav.url", "http:// or https://")]
    [InlineData("webdav", "[snapshot.webdav]\nurl = \"https://host/dav?dir=/s&login=ops\"", 6, "snapshot.webdav.url", "the parameter secret is missing")]
    [InlineData("webdav", "[snapshot.webdav]\nurl = \"https://host/dav?dir=/s&user=ops\"", 6, "snapshot.webdav.url", "unknown parameter 'user'")]
    [InlineData("sftp", "[snapshot.sftp]\nurl = \"sftp://host/srv\"", 6, "snapshot.sftp.url", "name the user")]
    [InlineData("sftp", "[snapshot.sftp]\nurl = \"sftp://ops@host/srv?key=id_rsa\"", 6, "snapshot.sftp.url", "absolute path")]
    [InlineData("sftp", "[snapshot.sftp]\nurl = \"sftp://ops@host/srv?fingerprint=abc\"", 6, "snapshot.sftp.url", "SHA-256 fingerprint")]
    public void An_unusable_setting_is_refused_at_load_naming_file_line_and_key(string store, string table, int line, string key, string problem)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load($"[snapshot]\nstore = \"{store}\"\n{table}\n"));

        Assert.Equal(("node.toml", (int?)line, key), (error.Origin, error.Line, error.Key));
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Settings_of_a_store_not_selected_are_not_checked() =>
        Load("[snapshot]\nstore = \"file\"\n[snapshot.file]\npath = \"/s\"\n[snapshot.s3]\nendpoint = \"https://x\"\n");

    [Fact]
    public void Sftp_urls_read_as_in_the_go_version_with_port_22_and_the_home_folder_by_default()
    {
        Assert.Equal(new SftpSettings("files.example.com", 22, "back up", "p@ss", "", null, null), SftpSettings.From("sftp://back%20up:p%40ss@files.example.com"));
        Assert.Equal("/srv/snaps", SftpSettings.From("sftp://ops@h:2222/srv/snaps/").Folder);
        Assert.Equal(2222, SftpSettings.From("sftp://ops@h:2222/srv/snaps/").Port);
        Assert.Equal("/", SftpSettings.From("sftp://ops@h/").Folder);
        var pinned = SftpSettings.From("sftp://ops@h/srv?key=/etc/hl/id_ed25519&fingerprint=SHA256:" + new string('A', 43));
        Assert.Equal(("/etc/hl/id_ed25519", new string('A', 43)), (pinned.KeyFile, pinned.Fingerprint));
        Assert.DoesNotContain("p@ss", SftpSettings.From("sftp://ops:p%40ss@h/srv").ToString());
    }

    [Fact]
    public void Webdav_urls_read_as_in_the_go_version()
    {
        var settings = WebDavSettings.From("https://dav.example.com/remote.php/dav/files/ops?dir=/snap%20shots/a&login=ops&secret=s3cret");

        Assert.Equal(new Uri("https://dav.example.com/remote.php/dav/files/ops/snap%20shots/a/"), settings.FolderUrl);
        Assert.Equal(("ops", "s3cret"), (settings.Login, settings.Secret));
        Assert.DoesNotContain("s3cret", settings.ToString());
        Assert.Equal(new Uri("http://h/"), WebDavSettings.From("http://h").FolderUrl);
    }
}
