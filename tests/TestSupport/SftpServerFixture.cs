using System.Diagnostics;
using Xunit;

namespace HarmonyLite.TestSupport;

/// <summary>
/// An SSH server with SFTP on loopback: Debian's OpenSSH sshd (openssh-server, installed by ./build.sh setup) run
/// in the foreground with a generated sshd_config, host key and client key, all in a temp directory. It accepts
/// the current user with <see cref="ClientKeyFile"/> only (no passwords).
/// </summary>
/// <remarks>
/// sshd must be started by its absolute path (it re-executes itself), and run as root it needs its
/// privilege-separation directory <c>/run/sshd</c> (root's, not writable by others), which the Debian service
/// would create: this fixture creates it when missing. <c>StrictModes no</c> lets it read keys in the temp folder.
/// </remarks>
public sealed class SftpServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _state = new("sshd");
    private readonly TempDirectory _files = new("sftp-files");
    private LoopbackServerProcess? _server;

    /// <summary>The private key the server accepts (OpenSSH format, ed25519).</summary>
    public string ClientKeyFile => _state.File("client_ed25519");

    /// <summary>A second key the server does not accept.</summary>
    public string StrangerKeyFile => _state.File("stranger_ed25519");

    /// <summary>The server's host key fingerprint as <c>ssh-keygen -l</c> prints it: <c>SHA256:...</c>.</summary>
    public string HostKeyFingerprint { get; private set; } = "";

    /// <summary>A folder on the server for tests to use (the server sees the whole file system).</summary>
    public string FilesDirectory => _files.Path;

    public string User { get; } = Environment.UserName;

    public LoopbackServerProcess Server => _server ?? throw new InvalidOperationException("sshd has not started.");

    /// <summary>A <c>snapshot.sftp.url</c> for <paramref name="folder"/>, logging in with <paramref name="key"/> (the client key by default).</summary>
    public string Url(string folder, string? key = null, string? fingerprint = null) =>
        $"sftp://{Uri.EscapeDataString(User)}@127.0.0.1:{Server.Port}{folder}?key={Uri.EscapeDataString(key ?? ClientKeyFile)}"
        + (fingerprint is null ? "" : $"&fingerprint={Uri.EscapeDataString(fingerprint)}");

    public async Task InitializeAsync()
    {
        var sshd = ExecutableLookup.Find("sshd", "Debian/Ubuntu: apt-get install openssh-server");
        var keygen = ExecutableLookup.Find("ssh-keygen", "Debian/Ubuntu: apt-get install openssh-client");
        var hostKey = _state.File("host_ed25519");
        foreach (var key in new[] { hostKey, ClientKeyFile, StrangerKeyFile })
            await RunAsync(keygen, "-q", "-t", "ed25519", "-N", "", "-C", "harmonylite-test", "-f", key);
        File.Copy(ClientKeyFile + ".pub", _state.File("authorized_keys"));
        HostKeyFingerprint = (await RunAsync(keygen, "-l", "-E", "sha256", "-f", hostKey + ".pub")).Split(' ')[1];
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root" && !Directory.Exists("/run/sshd"))
            Directory.CreateDirectory("/run/sshd", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var config = _state.File("sshd_config");
        _server = await LoopbackServerProcess.StartAsync("sshd", port =>
        {
            File.WriteAllText(config, $"""
                Port {port}
                ListenAddress 127.0.0.1
                HostKey {hostKey}
                PidFile {_state.File("sshd.pid")}
                AuthorizedKeysFile {_state.File("authorized_keys")}
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                UsePAM no
                StrictModes no
                Subsystem sftp internal-sftp
                LogLevel VERBOSE
                """);
            return [sshd, "-D", "-e", "-f", config];
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _files.Dispose();
        _state.Dispose();
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
