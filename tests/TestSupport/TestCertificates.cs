using System.Diagnostics;

namespace HarmonyLite.TestSupport;

/// <summary>A private CA with a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TempDirectory _dir = new("nats-tls");

    private TestCertificates() { }

    public string CaFile => _dir.File("ca.pem");
    public string ServerCert => _dir.File("server.pem");
    public string ServerKey => _dir.File("server.key");
    public string ClientCert => _dir.File("client.pem");
    public string ClientKey => _dir.File("client.key");

    /// <summary>Another CA, unrelated to the one that signed the server certificate.</summary>
    public string OtherCaFile => _dir.File("other-ca.pem");

    public static async Task<TestCertificates> CreateAsync()
    {
        var certs = new TestCertificates();
        try
        {
            await certs.MakeCaAsync("ca", "HarmonyLite Test CA");
            await certs.MakeCaAsync("other-ca", "Unrelated CA");
            await certs.MakeLeafAsync("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
            await certs.MakeLeafAsync("client", "harmonylite-client", "extendedKeyUsage=clientAuth");
            return certs;
        }
        catch
        {
            certs.Dispose();
            throw;
        }
    }

    /// <summary>The nats-server tls block requiring client certificates signed by the CA.</summary>
    public string ServerConfig(bool verifyClients = true) =>
        $"tls {{\n  cert_file: \"{ServerCert}\"\n  key_file: \"{ServerKey}\"\n  ca_file: \"{CaFile}\"\n  verify: {(verifyClients ? "true" : "false")}\n  timeout: 3\n}}";

    private Task MakeCaAsync(string name, string commonName) => OpenSslAsync(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", _dir.File(name + ".key"), "-out", _dir.File(name + ".pem"), "-days", "2", "-subj", "/CN=" + commonName,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private async Task MakeLeafAsync(string name, string commonName, string extensions)
    {
        await OpenSslAsync("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", _dir.File(name + ".key"), "-out", _dir.File(name + ".csr"), "-subj", "/CN=" + commonName);
        await File.WriteAllTextAsync(_dir.File(name + ".ext"), extensions + "\n");
        await OpenSslAsync("x509", "-req", "-in", _dir.File(name + ".csr"), "-CA", CaFile, "-CAkey", _dir.File("ca.key"),
            "-CAcreateserial", "-out", _dir.File(name + ".pem"), "-days", "2", "-extfile", _dir.File(name + ".ext"));
    }

    private static async Task OpenSslAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl", args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start openssl; install it (apt-get install openssl).");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }

    public void Dispose() => _dir.Dispose();
}
